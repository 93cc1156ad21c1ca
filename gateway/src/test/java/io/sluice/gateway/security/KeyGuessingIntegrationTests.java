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
    // The test client stands in for an ingress controller in front of the gateway.
    registry.add("sluice.edge.trusted-proxies", () -> "127.0.0.1");
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
    int before = owner.verifications.get();
    int refused = guess("direct", null);
    // 8 lookups per minute: the first 8 unknown keys are looked up (401), the rest refused.
    assertThat(refused).isBetween(3, 4);
    assertThat(owner.verifications.get() - before).isBetween(8, 9);
  }

  @Test
  void clientsBehindATrustedProxyEachHaveTheirOwnBudget() {
    // The client's own X-Forwarded-For entry (left) is not believed; the proxy's (right) is.
    assertThat(guess("first", "10.9.9.9, 203.0.113.1")).isBetween(3, 4);
    assertThat(guess("second", "10.9.9.9, 203.0.113.2")).isBetween(3, 4);
    assertThat(guess("third", "10.9.9.10, 203.0.113.1")).isEqualTo(12);
  }

  /** Sends 12 unknown keys, as from {@code forwardedFor} if given; returns how many got 429. */
  private int guess(String prefix, String forwardedFor) {
    int refused = 0;
    for (int i = 0; i < 12; i++) {
      WebTestClient.RequestHeadersSpec<?> request =
          anonymous()
              .get()
              .uri("/api/users")
              .header("X-API-Key", "sk_live_" + prefix + i + "0000000000000000000");
      if (forwardedFor != null) {
        request = request.header("X-Forwarded-For", forwardedFor);
      }
      int status = request.exchange().returnResult(String.class).getStatus().value();
      if (status == 429) {
        refused++;
      } else {
        assertThat(status).isEqualTo(401);
      }
    }
    return refused;
  }
}
