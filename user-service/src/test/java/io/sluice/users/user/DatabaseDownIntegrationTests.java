package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testsupport.TestPostgres;
import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * With PostgreSQL gone, requests fail fast with 503 and Retry-After instead of hanging, and
 * readiness reports the service down. Uses a server of its own, stopped mid-test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DatabaseDownIntegrationTests {

  private static final EmbeddedPostgres POSTGRES = TestPostgres.startDedicated();

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    UserServiceIntegrationTest.configure(
        registry, "127.0.0.1", POSTGRES.getPort(), "postgres", "postgres", "");
  }

  @AfterAll
  static void stop() throws IOException {
    POSTGRES.close();
  }

  private WebTestClient client(int port) {
    return WebTestClient.bindToServer()
        .baseUrl("http://localhost:" + port)
        .defaultHeader(
            HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.token(TestTokens.READ_WRITE))
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void anUnreachableDatabaseGivesA503WithRetryAfterWithinTwoAndAHalfSeconds() throws IOException {
    WebTestClient api = client(port);
    String id =
        (String)
            api.post()
                .uri("/api/users")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "down@example.com", "name", "Down"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    client(managementPort).get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();

    POSTGRES.close();

    for (int i = 0; i < 3; i++) {
      long started = System.nanoTime();
      api.get()
          .uri("/api/users/" + id)
          .exchange()
          .expectStatus()
          .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
          .expectHeader()
          .valueEquals(HttpHeaders.RETRY_AFTER, "2")
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectBody()
          .jsonPath("$.type")
          .isEqualTo("https://sluice.dev/problems/service-unavailable")
          .jsonPath("$.detail")
          .value(detail -> assertThat((String) detail).doesNotContainIgnoringCase("select"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }
    api.post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "down2@example.com", "name", "Down"))
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    client(managementPort)
        .get()
        .uri("/actuator/health/readiness")
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    client(managementPort).get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
  }
}
