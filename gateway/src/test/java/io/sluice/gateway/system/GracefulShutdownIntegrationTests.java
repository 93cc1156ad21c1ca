package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Shutdown lets in-flight requests finish, refuses new ones and ends within the grace period. */
class GracefulShutdownIntegrationTests {

  @Test
  void inFlightRequestsFinishNewOnesAreRefusedAndTheProcessStopsInTime() throws Exception {
    try (StubBackend backend = StubBackend.start("slow")) {
      ConfigurableApplicationContext gateway = Gateways.start(backend.uri());
      int port = gateway.getEnvironment().getProperty("local.server.port", Integer.class);
      WebClient client =
          WebClient.builder()
              .baseUrl("http://127.0.0.1:" + port)
              .defaultHeader("X-API-Key", Gateways.ADMIN_KEY)
              .build();

      CompletableFuture<List<Integer>> inFlight =
          Flux.range(0, 8)
              .flatMap(
                  i ->
                      client
                          .get()
                          .uri("/api/users/slow/2500")
                          .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())),
                  8)
              .collectList()
              .toFuture();
      Thread.sleep(800);
      assertThat(backend.count("/api/users/slow/")).isEqualTo(8);

      long closing = System.nanoTime();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(gateway::close);
      Thread.sleep(500);
      Integer late =
          client
              .get()
              .uri("/api/users/late")
              .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
              .onErrorResume(refused -> Mono.just(-1))
              .block(Duration.ofSeconds(10));

      assertThat(inFlight.get(20, TimeUnit.SECONDS)).hasSize(8).containsOnly(200);
      closed.get(25, TimeUnit.SECONDS);
      assertThat(late).isEqualTo(-1);
      assertThat(backend.count("/api/users/late")).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(20));
    }
  }
}
