package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** Concurrent writers: the database, not a check-then-insert, keeps emails unique. */
class UserConcurrencyIntegrationTests extends UserServiceIntegrationTest {

  private static final int WRITERS = 24;

  private WebClient webClient() {
    return WebClient.builder()
        .baseUrl("http://localhost:" + port)
        .defaultHeader(
            HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.token(TestTokens.READ_WRITE))
        .build();
  }

  /**
   * Retries 503 the way a client honouring Retry-After would: on a loaded machine the pool may not
   * open connections for a burst within its 2 s acquire timeout, and 503 says nothing about emails.
   */
  private static Mono<Integer> retryingUnavailable(Mono<Integer> status) {
    return status
        .flatMap(s -> s == 503 ? Mono.error(new IllegalStateException("503")) : Mono.just(s))
        .retryWhen(
            Retry.fixedDelay(20, Duration.ofMillis(500))
                .filter(IllegalStateException.class::isInstance))
        .onErrorReturn(503);
  }

  @Test
  void simultaneousCreatesOfOneEmailGiveExactlyOne201() {
    WebClient client = webClient();
    List<Integer> statuses =
        Flux.range(0, WRITERS)
            .flatMap(
                i ->
                    client
                        .post()
                        .uri("/api/users")
                        .contentType(MediaType.APPLICATION_JSON)
                        // Differently cased, so only the case-insensitive index can catch them.
                        .bodyValue(
                            Map.of(
                                "email",
                                i % 2 == 0 ? "race@example.com" : "RACE@example.com",
                                "name",
                                "Racer " + i))
                        .exchangeToMono(response -> Mono.just(response.statusCode().value()))
                        .transform(UserConcurrencyIntegrationTests::retryingUnavailable),
                WRITERS)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(statuses).hasSize(WRITERS);
    assertThat(statuses).as(statuses.toString()).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).as(statuses.toString()).filteredOn(s -> s == 409).hasSize(WRITERS - 1);
  }

  @Test
  void simultaneousUnconditionalPatchesAllSucceedAndBumpTheVersionEachTime() {
    WebClient client = webClient();
    String id =
        (String)
            client
                .post()
                .uri("/api/users")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "patch-race@example.com", "name", "Start"))
                .retrieve()
                .bodyToMono(Map.class)
                .block(Duration.ofSeconds(10))
                .get("id");
    int writers = 4;
    List<Integer> statuses =
        Flux.range(0, writers)
            .flatMap(
                i ->
                    client
                        .patch()
                        .uri("/api/users/" + id)
                        .contentType(MediaType.parseMediaType("application/merge-patch+json"))
                        .bodyValue(Map.of("name", "Writer " + i))
                        .exchangeToMono(response -> Mono.just(response.statusCode().value()))
                        .transform(UserConcurrencyIntegrationTests::retryingUnavailable),
                writers)
            .collectList()
            .block(Duration.ofSeconds(60));
    assertThat(statuses).containsOnly(200);
    String etag =
        client
            .get()
            .uri("/api/users/" + id)
            .retrieve()
            .toBodilessEntity()
            .block(Duration.ofSeconds(10))
            .getHeaders()
            .getETag();
    assertThat(etag).isEqualTo("\"" + writers + "\"");
  }
}
