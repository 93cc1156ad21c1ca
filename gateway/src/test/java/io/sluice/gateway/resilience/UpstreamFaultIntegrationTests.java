package io.sluice.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.FaultyBackend;
import io.sluice.gateway.support.Gateways;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Backends that answer garbage or reset the connection. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UpstreamFaultIntegrationTests {

  static final FaultyBackend faulty = start();

  @LocalServerPort int port;

  static FaultyBackend start() {
    try {
      return new FaultyBackend();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", faulty::uri);
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("management.server.port", () -> "0");
    registry.add("sluice.resilience.circuit-breaker.minimum-calls", () -> "1000");
    registry.add("sluice.resilience.circuit-breaker.sliding-window-size", () -> "1000");
  }

  @BeforeEach
  void resetCount() {
    faulty.resetCount();
  }

  @AfterAll
  static void stop() throws IOException {
    faulty.close();
  }

  @Test
  void garbageFromTheBackendGivesA502ProblemAfterRetryingTheGet() {
    faulty.mode(FaultyBackend.Mode.GARBAGE);
    expect502(Gateways.client(port).get().uri("/api/users/garbage").exchange());
    assertThat(faulty.requests()).isEqualTo(3);
  }

  @Test
  void aResetGivesA502ProblemAfterRetryingTheGet() {
    faulty.mode(FaultyBackend.Mode.RESET);
    expect502(Gateways.client(port).get().uri("/api/users/reset").exchange());
    assertThat(faulty.requests()).isEqualTo(3);
  }

  @Test
  void aBodyCutShortGivesA502ProblemInsteadOfATruncated200() {
    // Small responses are written whole (WholeResponseWriteFilter), so nothing has reached the
    // client when the backend fails mid-body. The response head had arrived: no retry.
    faulty.mode(FaultyBackend.Mode.TRUNCATED);
    expect502(Gateways.client(port).get().uri("/api/users/truncated").exchange());
    assertThat(faulty.requests()).isEqualTo(1);
  }

  @Test
  void aPostIsNeverRetriedOnceItWasSent() {
    faulty.mode(FaultyBackend.Mode.RESET);
    expect502(
        Gateways.client(port)
            .post()
            .uri("/api/users")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"email\":\"a@example.com\",\"name\":\"A\"}")
            .exchange());
    assertThat(faulty.requests()).isEqualTo(1);
  }

  @Test
  void aPatchIsNeverRetriedOnceItWasSent() {
    faulty.mode(FaultyBackend.Mode.GARBAGE);
    expect502(
        Gateways.client(port)
            .patch()
            .uri("/api/users/x")
            .contentType(MediaType.valueOf("application/merge-patch+json"))
            .bodyValue("{\"name\":\"B\"}")
            .exchange());
    assertThat(faulty.requests()).isEqualTo(1);
  }

  private static void expect502(
      org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response) {
    response
        .expectStatus()
        .isEqualTo(502)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/bad-gateway")
        .jsonPath("$.requestId")
        .isNotEmpty();
  }
}
