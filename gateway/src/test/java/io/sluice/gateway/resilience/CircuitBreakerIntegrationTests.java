package io.sluice.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

/** Route deadline and the circuit breaker's open, half-open and closed states, on one instance. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CircuitBreakerIntegrationTests {

  static final StubBackend backend = StubBackend.start("only");

  @LocalServerPort int port;

  @Autowired CircuitBreakerRegistry breakers;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", backend::uri);
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("management.server.port", () -> "0");
    registry.add("sluice.resilience.route-timeout", () -> "1s");
    registry.add("sluice.resilience.connect-timeout", () -> "500ms");
    registry.add("sluice.upstream-client.pending-acquire-timeout", () -> "500ms");
    registry.add("sluice.resilience.circuit-breaker.sliding-window-size", () -> "4");
    registry.add("sluice.resilience.circuit-breaker.minimum-calls", () -> "4");
    registry.add("sluice.resilience.circuit-breaker.wait-in-open-state", () -> "1500ms");
    registry.add("sluice.resilience.circuit-breaker.permitted-calls-in-half-open-state", () -> "1");
  }

  @BeforeEach
  void closedBreakerAndHealthyBackend() {
    backend.answerAll(0);
    breakers.circuitBreaker("users").reset();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  CircuitBreaker users() {
    return breakers.circuitBreaker("users");
  }

  @Test
  void aSlowBackendGivesA504ProblemWithinTheRouteTimeout() {
    long start = System.nanoTime();
    Gateways.client(port)
        .get()
        .uri("/api/users/slow/4000")
        .exchange()
        .expectStatus()
        .isEqualTo(504)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/gateway-timeout");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(elapsed).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void failuresOpenTheBreakerWhichFailsFastWithRetryAfter() {
    backend.answerAll(503);
    for (int i = 0; i < 4; i++) {
      Gateways.client(port).get().uri("/api/users/open").exchange().expectStatus().isEqualTo(503);
    }
    assertThat(users().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    long before = backend.count("/api/users/open");
    Gateways.client(port)
        .get()
        .uri("/api/users/open")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader()
        .values("Retry-After", values -> assertThat(values).containsExactly("2"))
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/service-unavailable")
        .jsonPath("$.retryAfterMs")
        .value(ms -> assertThat(((Number) ms).longValue()).isBetween(1L, 1500L));
    assertThat(backend.count("/api/users/open")).isEqualTo(before);
  }

  @Test
  void aSuccessfulTrialCallClosesTheBreakerAgain() throws InterruptedException {
    backend.answerAll(503);
    for (int i = 0; i < 4; i++) {
      Gateways.client(port).get().uri("/api/users/heal").exchange().expectStatus().isEqualTo(503);
    }
    assertThat(users().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    backend.answerAll(0);
    Thread.sleep(1600);
    Gateways.client(port).get().uri("/api/users/heal").exchange().expectStatus().isOk();
    assertThat(users().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aFailedTrialCallOpensTheBreakerAgain() throws InterruptedException {
    backend.answerAll(503);
    for (int i = 0; i < 4; i++) {
      Gateways.client(port).get().uri("/api/users/trial").exchange().expectStatus().isEqualTo(503);
    }
    Thread.sleep(1600);
    Gateways.client(port).get().uri("/api/users/trial").exchange().expectStatus().isEqualTo(503);
    assertThat(users().getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void aBodyThatStallsIsCutOffInsteadOfHanging() {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                WebClient.create("http://127.0.0.1:" + port)
                    .get()
                    .uri("/api/users/stall-body")
                    .retrieve()
                    .bodyToMono(String.class)
                    .block(Duration.ofSeconds(20)))
        .isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
