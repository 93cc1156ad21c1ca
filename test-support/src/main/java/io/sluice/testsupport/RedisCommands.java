package io.sluice.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking RESP client for test set-up only (flushing a database, {@code DEBUG SLEEP},
 * reading a counter), so test support needs no Redis client library. Never use it on an event loop.
 */
public final class RedisCommands {

  private RedisCommands() {}

  /** Runs one command on {@code endpoint}'s database and returns the reply as text. */
  public static String run(RedisEndpoint endpoint, String... command) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 2_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (endpoint.password() != null && !endpoint.password().isEmpty()) {
        send(out, "AUTH", endpoint.password());
        read(in);
      }
      send(out, "SELECT", Integer.toString(endpoint.database()));
      read(in);
      send(out, command);
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("redis command " + command[0] + " failed", e);
    }
  }

  private static void send(OutputStream out, String... args) throws IOException {
    StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      resp.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String read(InputStream in) throws IOException {
    int type = in.read();
    String line = readLine(in);
    switch (type) {
      case '+', ':' -> {
        return line;
      }
      case '-' -> throw new IOException("redis error: " + line);
      case '$' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] data = in.readNBytes(length + 2);
        return new String(data, 0, length, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(line);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < count; i++) {
          all.append(i == 0 ? "" : "\n").append(read(in));
        }
        return all.toString();
      }
      default -> throw new IOException("unexpected redis reply type " + type);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\r') {
        in.read();
        break;
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
