package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import io.sluice.testsupport.RawHttpConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A keep-alive connection on which a request arrived before the previous one had finished (HTTP
 * pipelining, or a client quicker than the server's bookkeeping) keeps being read: the next request
 * is answered, not left waiting until the client gives up ({@code KeepAliveReadGuard}).
 */
class KeepAliveIntegrationTests {

  static StubBackend backend;
  static ConfigurableApplicationContext gateway;
  static int port;

  @BeforeAll
  static void start() {
    backend = StubBackend.start("slow");
    gateway = Gateways.start(backend.uri());
    port = gateway.getEnvironment().getProperty("local.server.port", Integer.class);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    backend.close();
  }

  @Test
  void aRequestAnsweredAtOnceAfterAQueuedOneLeavesTheConnectionReadable() throws IOException {
    Map<String, String> key = Map.of("X-API-Key", Gateways.ADMIN_KEY);
    for (int round = 0; round < 3; round++) {
      try (RawHttpConnection connection = new RawHttpConnection(port, Duration.ofSeconds(5))) {
        // One write, two requests: the second (answered at once, without a backend trip: an
        // unknown route) waits in the server's queue until the first (a slow backend) is done.
        connection.send(
            RawHttpConnection.get("/api/users/slow/200", key),
            RawHttpConnection.get("/not-a-route", key));
        assertThat(connection.readStatus()).isEqualTo(200);
        assertThat(connection.readStatus()).isEqualTo(404);

        // The connection must still be read.
        connection.send(RawHttpConnection.get("/not-a-route", key));
        assertThat(connection.readStatus()).isEqualTo(404);
      }
    }
  }
}
