package io.sluice.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that misbehaves at the TCP level, on a plain {@link ServerSocket} with its own
 * (blocking, non-event-loop) threads: it reads the request head and then answers garbage, resets
 * the connection, or resets it partway through a response body.
 */
public final class FaultyBackend implements AutoCloseable {

  /** How to misbehave. */
  public enum Mode {
    /** Bytes that are not HTTP. */
    GARBAGE,
    /** TCP RST right after reading the request. */
    RESET,
    /** A 200 head declaring more body than is sent, part of the body, then TCP RST. */
    TRUNCATED
  }

  private final ServerSocket socket;

  private final AtomicInteger requests = new AtomicInteger();

  private volatile Mode mode = Mode.GARBAGE;

  public FaultyBackend() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "faulty-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String uri() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  public int requests() {
    return requests.get();
  }

  public void resetCount() {
    requests.set(0);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Thread worker = new Thread(() -> serve(client), "faulty-backend-conn");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      // Read until the end of the request head.
      int matched = 0;
      byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      int b;
      while (matched < end.length && (b = in.read()) != -1) {
        matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
      }
      requests.incrementAndGet();
      if (mode == Mode.RESET) {
        client.setSoLinger(true, 0);
        return;
      }
      OutputStream out = client.getOutputStream();
      if (mode == Mode.TRUNCATED) {
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                    + "{\"partial\":")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        client.setSoLinger(true, 0);
        return;
      }
      out.write(
          "SPAM SPAM SPAM\r\n\u0000\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      // The gateway hung up first: fine.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
