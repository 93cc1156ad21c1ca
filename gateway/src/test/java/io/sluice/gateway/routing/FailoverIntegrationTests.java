package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Instances crashing, all instances down, coming back, and backends closing idle connections. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FailoverIntegrationTests {

  /**
   * Both expire keep-alive connections idle for 300 ms (a request on one is reset); the gateway
   * retires them after 150 ms.
   */
  static final StubBackend first = StubBackend.start("first", Duration.ofMillis(300));

  static final StubBackend second = StubBackend.start("second", Duration.ofMillis(300));

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", () -> first.uri() + "," + second.uri());
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("management.server.port", () -> "0");
    registry.add("sluice.routing.ejection.base-duration", () -> "500ms");
    registry.add("sluice.routing.ejection.max-duration", () -> "1s");
    registry.add("sluice.upstream-client.max-idle-time", () -> "150ms");
    registry.add("sluice.upstream-client.eviction-interval", () -> "50ms");
    registry.add("sluice.resilience.circuit-breaker.minimum-calls", () -> "1000");
    registry.add("sluice.resilience.circuit-breaker.sliding-window-size", () -> "1000");
  }

  @AfterEach
  void bothInstancesRunAgain() throws InterruptedException {
    for (StubBackend backend : List.of(first, second)) {
      try {
        backend.restart();
      } catch (RuntimeException alreadyRunning) {
        // bind failed: it was running
      }
    }
    // Let any ejection expire so the next test starts with both instances in rotation.
    Thread.sleep(1200);
  }

  @AfterAll
  static void stopBackends() {
    first.close();
    second.close();
  }

  @Test
  void anInstanceKilledMidTrafficFailsNoGet() {
    WebClient client =
        WebClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .defaultHeader("X-API-Key", Gateways.ADMIN_KEY)
            .build();
    AtomicBoolean killed = new AtomicBoolean();
    // A plain thread: stopping a server blocks, which BlockHound forbids on Reactor's timers.
    Thread killer =
        new Thread(
            () -> {
              try {
                Thread.sleep(800);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              first.stop();
              killed.set(true);
            });
    killer.start();
    List<Integer> statuses =
        Flux.range(0, 200)
            .delayElements(Duration.ofMillis(5))
            .flatMap(
                i ->
                    client
                        .get()
                        .uri("/api/users/traffic-" + i)
                        .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())),
                4)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(killed).isTrue();
    Map<Integer, Long> byStatus =
        statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    assertThat(byStatus).containsOnlyKeys(200);
    assertThat(second.count("/api/users/traffic-")).isPositive();
  }

  @Test
  void allInstancesDownGiveAFast503ProblemAndInstancesAreProbedBack() throws Exception {
    first.stop();
    second.stop();
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Gateways.client(port)
          .get()
          .uri("/api/users/down")
          .exchange()
          .expectStatus()
          .isEqualTo(503)
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectHeader()
          .exists("Retry-After")
          .expectBody()
          .jsonPath("$.type")
          .isEqualTo("https://sluice.dev/problems/service-unavailable")
          .jsonPath("$.requestId")
          .isNotEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }
    first.restart();
    second.restart();
    Thread.sleep(1200);
    for (int i = 0; i < 4; i++) {
      Gateways.client(port).get().uri("/api/users/back-" + i).exchange().expectStatus().isOk();
    }
    assertThat(first.count("/api/users/back-")).isPositive();
    assertThat(second.count("/api/users/back-")).isPositive();
  }

  @Test
  void idleConnectionsClosedByTheBackendNeverFailARequest() throws InterruptedException {
    // POSTs, which are never retried once sent: a pooled connection the backend had already
    // closed would fail the request here instead of being hidden by a retry. And every request
    // reaches a backend exactly once.
    int[] pauses = {100, 280, 320, 450, 200, 300, 310, 290, 120, 500, 305, 295};
    for (int i = 0; i < pauses.length; i++) {
      Gateways.client(port)
          .post()
          .uri("/api/users/idle-" + i)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue("{\"n\":" + i + "}")
          .exchange()
          .expectStatus()
          .isOk();
      Thread.sleep(pauses[i]);
    }
    for (int i = 0; i < pauses.length; i++) {
      String path = "/api/users/idle-" + i;
      assertThat(attempts(first, path) + attempts(second, path)).as(path).isEqualTo(1);
    }
  }

  private static long attempts(StubBackend backend, String path) {
    return backend.received().stream()
        .filter(r -> r.method().equals("POST") && r.path().equals(path))
        .count();
  }
}
