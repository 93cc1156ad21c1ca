package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayApplication;
import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A keep-alive connection on which a request arrived before the previous one had finished (HTTP
 * pipelining, or a client quicker than the server's bookkeeping) keeps being read: the next request
 * is answered, not left waiting until the client gives up.
 */
class KeepAliveIntegrationTests {

  static StubBackend backend;
  static ConfigurableApplicationContext gateway;
  static int port;

  @BeforeAll
  static void start() {
    backend = StubBackend.start("slow");
    gateway =
        new SpringApplicationBuilder(GatewayApplication.class)
            .run(
                "--server.port=0",
                "--management.server.port=0",
                "--sluice.routing.user-service-uris=" + backend.uri(),
                "--sluice.security.internal-auth-secret=" + Gateways.SECRET);
    port = gateway.getEnvironment().getProperty("local.server.port", Integer.class);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    backend.close();
  }

  @Test
  void aRequestAnsweredAtOnceAfterAQueuedOneLeavesTheConnectionReadable() throws IOException {
    for (int round = 0; round < 3; round++) {
      try (Socket socket = new Socket("127.0.0.1", port)) {
        socket.setSoTimeout(5_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        // One write, two requests: the second (answered at once, without a backend trip: an
        // unknown route) waits in the server's queue until the first (a slow backend) is done.
        out.write(bytes(request("/api/users/slow/200") + request("/not-a-route")));
        out.flush();
        assertThat(readResponse(in)).isEqualTo(200);
        assertThat(readResponse(in)).isEqualTo(404);

        // The connection must still be read.
        out.write(bytes(request("/not-a-route")));
        out.flush();
        assertThat(readResponse(in)).isEqualTo(404);
      }
    }
  }

  private static String request(String path) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
        + Gateways.ADMIN_KEY
        + "\r\n\r\n";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one response with a Content-Length body; returns its status. */
  private static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    int length = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring("content-length:".length()).trim());
      }
      assertThat(lower).doesNotStartWith("transfer-encoding:");
    }
    assertThat(in.readNBytes(length)).hasSize(length);
    return status;
  }

  private static String line(InputStream in) throws IOException {
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
}
