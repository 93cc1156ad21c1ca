package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.Gateways;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Key guessing: verifications not answered from memory are limited per client address. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeyGuessingIntegrationTests {

  static final KeyOwnerStub owner = new KeyOwnerStub();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", owner::uri);
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("sluice.redis.url", () -> TestRedis.freshEndpoint().uri());
    registry.add("sluice.redis.command-timeout", () -> "2s");
    registry.add("sluice.rate-limit.redis-timeout", () -> "2s");
    registry.add("sluice.api-keys.lookups-per-minute", () -> "8");
    registry.add("management.server.port", () -> "0");
  }

  @AfterAll
  static void stop() {
    owner.close();
  }

  private WebTestClient anonymous() {
    return WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + port)
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void guessingKeysFromOneAddressRunsInto429() {
    int refused = 0;
    for (int i = 0; i < 12; i++) {
      int status =
          anonymous()
              .get()
              .uri("/api/users")
              .header("X-API-Key", "sk_live_guess" + i + "0000000000000000000")
              .exchange()
              .returnResult(String.class)
              .getStatus()
              .value();
      if (status == 429) {
        refused++;
      } else {
        assertThat(status).isEqualTo(401);
      }
    }
    // 8 lookups per minute: the first 8 unknown keys are looked up (401), the rest refused.
    assertThat(refused).isBetween(3, 4);
    assertThat(owner.verifications.get()).isBetween(8, 9);
  }
}
