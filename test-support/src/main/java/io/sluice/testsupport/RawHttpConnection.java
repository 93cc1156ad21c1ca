package io.sluice.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection driven byte by byte, for what HTTP clients do not let a test do: several
 * requests in one write (pipelining), and control over which connection a request goes on.
 * Responses must carry a {@code Content-Length}.
 */
public final class RawHttpConnection implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  /** Connects to 127.0.0.1:{@code port}; every read gives up after {@code readTimeout}. */
  public RawHttpConnection(int port, Duration readTimeout) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) readTimeout.toMillis());
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  /** A bodiless GET with {@code headers}, as text to {@link #send}. */
  public static String get(String path, Map<String, String> headers) {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: 127.0.0.1\r\n");
    headers.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    return request.append("\r\n").toString();
  }

  /** Writes {@code requests} in one write. */
  public void send(String... requests) throws IOException {
    out.write(String.join("", requests).getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads the next response whole; returns its status. */
  public int readStatus() throws IOException {
    int status = Integer.parseInt(line().split(" ")[1]);
    int length = 0;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring("content-length:".length()).trim());
      } else if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("chunked responses are not supported: " + header);
      }
    }
    if (in.readNBytes(length).length != length) {
      throw new IOException("connection closed inside a body");
    }
    return status;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
