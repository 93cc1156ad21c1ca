package io.sluice.users.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testsupport.RawHttpConnection;
import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A keep-alive connection (the gateway's pooled ones) stays readable after a request that arrived
 * before the previous exchange had finished was answered at once ({@code KeepAliveReadGuard}).
 */
class KeepAliveIntegrationTests extends UserServiceIntegrationTest {

  @Test
  void aRequestAnsweredAtOnceAfterAQueuedOneLeavesTheConnectionReadable() throws IOException {
    Map<String, String> token =
        Map.of("Authorization", "Bearer " + TestTokens.token(TestTokens.READ));
    for (int round = 0; round < 3; round++) {
      try (RawHttpConnection connection = new RawHttpConnection(port, Duration.ofSeconds(5))) {
        // One write, two requests: a database read, then one refused at once (no token).
        connection.send(
            RawHttpConnection.get("/api/users", token),
            RawHttpConnection.get("/api/users", Map.of()));
        assertThat(connection.readStatus()).isEqualTo(200);
        assertThat(connection.readStatus()).isEqualTo(401);

        // The connection must still be read.
        connection.send(RawHttpConnection.get("/api/users", Map.of()));
        assertThat(connection.readStatus()).isEqualTo(401);
      }
    }
  }
}
