package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.gateway.support.Gateways;
import io.sluice.testsupport.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/** Edge authentication and rate limiting of a gateway in front of a key-owner stand-in. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgeSecurityIntegrationTests {

  static final KeyOwnerStub owner = new KeyOwnerStub();

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("sluice.routing.user-service-uris", owner::uri);
    registry.add("sluice.security.internal-auth-secret", () -> Gateways.SECRET);
    registry.add("sluice.redis.url", () -> TestRedis.freshEndpoint().uri());
    registry.add("sluice.redis.command-timeout", () -> "2s");
    registry.add("sluice.rate-limit.redis-timeout", () -> "2s");
    registry.add("sluice.api-keys.lookups-per-minute", () -> "1000");
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
  void aRequestWithoutAKeyGets401WithAChallengeAndNeverReachesTheBackend() {
    int before = owner.proxied.size();
    anonymous()
        .get()
        .uri("/api/users")
        .exchange()
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .valueMatches("WWW-Authenticate", "ApiKey realm=\"sluice\".*")
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(401)
        .jsonPath("$.requestId")
        .isNotEmpty();
    assertThat(owner.proxied).hasSize(before);
  }

  @Test
  void anUnknownKeyGets401AndAKeyInTheQueryStringGets400() {
    anonymous()
        .get()
        .uri("/api/users")
        .header("X-API-Key", "sk_live_unknown0000000000000000")
        .exchange()
        .expectStatus()
        .isUnauthorized();
    anonymous()
        .get()
        .uri("/api/users?api_key=sk_live_whatever")
        .header("X-API-Key", Gateways.ADMIN_KEY)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("API keys are accepted only in the X-API-Key header.");
    anonymous()
        .get()
        .uri("/api/users")
        .header("X-API-Key", Gateways.ADMIN_KEY, "sk_live_second")
        .exchange()
        .expectStatus()
        .isBadRequest();
  }

  @Test
  void aKeyWithoutTheWriteScopeMayReadButGets403OnWrites() {
    owner.activate("sk_live_reader000000000000000001", "key-reader", "standard", "users:read");
    WebTestClient reader =
        anonymous().mutate().defaultHeader("X-API-Key", "sk_live_reader000000000000000001").build();
    reader.get().uri("/api/users/1").exchange().expectStatus().isOk();
    reader
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}")
        .exchange()
        .expectStatus()
        .isForbidden();
    reader.get().uri("/api/keys").exchange().expectStatus().isForbidden();
  }

  /** A path sent exactly as written: no template expansion, no encoding. */
  private URI raw(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void aPercentEncodedOrMatrixVariantOfAnApiPathNeedsAKeyLikeThePathItself() {
    int before = owner.proxied.size();
    for (String path : new String[] {"/%61pi/users/x", "/%61%70%69/users", "/api;v=1/users/x"}) {
      anonymous()
          .get()
          .uri(raw(path))
          .exchange()
          .expectStatus()
          .isUnauthorized()
          .expectHeader()
          .valueMatches("WWW-Authenticate", "ApiKey realm=\"sluice\".*");
    }
    assertThat(owner.proxied).hasSize(before);
  }

  @Test
  void aPercentEncodedOrMatrixVariantOfTheKeysPathStillNeedsKeysAdmin() {
    owner.activate("sk_live_reader000000000000000005", "key-reader-5", "standard", "users:read");
    WebTestClient reader =
        anonymous().mutate().defaultHeader("X-API-Key", "sk_live_reader000000000000000005").build();
    int before = owner.proxied.size();
    for (String path : new String[] {"/api/%6Beys", "/api/%6b%65%79%73/1", "/api/keys;x=1"}) {
      reader.get().uri(raw(path)).exchange().expectStatus().isForbidden();
    }
    assertThat(owner.proxied).hasSize(before);
  }

  @Test
  void caseVariantsOfApiPathsAreNotRoutedSoTheyNeverReachTheBackend() {
    // Routes match case-sensitively, so these are 404 whoever asks, even the administrator.
    WebTestClient admin =
        anonymous().mutate().defaultHeader("X-API-Key", Gateways.ADMIN_KEY).build();
    int before = owner.proxied.size();
    for (String path : new String[] {"/API/users", "/Api/users/x"}) {
      anonymous().get().uri(raw(path)).exchange().expectStatus().isNotFound();
    }
    for (String path : new String[] {"/API/users", "/Api/users/x", "/api/Users", "/api/KEYS"}) {
      admin.get().uri(raw(path)).exchange().expectStatus().isNotFound();
    }
    assertThat(owner.proxied).hasSize(before);
  }

  @Test
  void theBackendSeesOnlyTheSignedIdentityOfTheKeyAndNoClientIdentityHeaders() throws Exception {
    owner.activate(
        "sk_live_writer000000000000000002", "key-writer", "standard", "users:read users:write");
    // A path of its own: a cached answer would never reach the backend to be inspected.
    anonymous()
        .get()
        .uri("/api/users/" + java.util.UUID.randomUUID())
        .header("X-API-Key", "sk_live_writer000000000000000002")
        .header("X-User-Id", "forged")
        .header("X-Consumer-Id", "forged")
        .header("Remote-User", "forged")
        .header("X-Authenticated-Scope", "keys:admin")
        .header("Authorization", "Bearer forged")
        .exchange()
        .expectStatus()
        .isOk();
    var headers = owner.proxied.get(owner.proxied.size() - 1);
    assertThat(headers.contains("X-API-Key")).isFalse();
    assertThat(headers.contains("X-User-Id")).isFalse();
    assertThat(headers.contains("X-Consumer-Id")).isFalse();
    assertThat(headers.contains("Remote-User")).isFalse();
    assertThat(headers.contains("X-Authenticated-Scope")).isFalse();
    JWTClaimsSet claims =
        SignedJWT.parse(headers.get("Authorization").substring("Bearer ".length()))
            .getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo("key-writer");
    assertThat(claims.getStringClaim("plan")).isEqualTo("standard");
    assertThat(claims.getStringClaim("scope")).isEqualTo("users:read users:write");
  }

  @Test
  void aRevokedKeyIsRefusedWithinFiveSeconds() throws Exception {
    String key = "sk_live_revoked00000000000000003";
    owner.activate(key, "key-revoked", "standard", "users:read");
    WebTestClient client = anonymous().mutate().defaultHeader("X-API-Key", key).build();
    client.get().uri("/api/users/1").exchange().expectStatus().isOk();
    owner.revoke(key);
    long revokedAt = System.nanoTime();
    HttpStatus status = HttpStatus.OK;
    while (status == HttpStatus.OK
        && System.nanoTime() - revokedAt < Duration.ofSeconds(8).toNanos()) {
      Thread.sleep(100);
      status =
          HttpStatus.valueOf(
              client
                  .get()
                  .uri("/api/users/1")
                  .exchange()
                  .returnResult(String.class)
                  .getStatus()
                  .value());
    }
    assertThat(status).isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void limitedResponsesCarryRateLimitHeadersAndTheFreePlanRefusesItsBurstWith429() {
    owner.activate("sk_live_free0000000000000000004", "key-free", "free", "users:read");
    WebTestClient client =
        anonymous().mutate().defaultHeader("X-API-Key", "sk_live_free0000000000000000004").build();
    client
        .get()
        .uri("/api/users/1")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals("RateLimit-Policy", "\"second\";q=20;w=1, \"day\";q=50000;w=86400")
        .expectHeader()
        .valueMatches("RateLimit", "\"second\";r=\\d+;t=\\d+, \"day\";r=\\d+;t=\\d+")
        .expectHeader()
        .exists("X-RateLimit-Limit")
        .expectHeader()
        .exists("X-RateLimit-Remaining")
        .expectHeader()
        .exists("X-RateLimit-Reset");
    // Concurrently: one at a time, a slow shared machine may never outrun the 10/s refill.
    WebClient concurrent =
        WebClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .defaultHeader("X-API-Key", "sk_live_free0000000000000000004")
            .build();
    List<ResponseEntity<Void>> results =
        Flux.range(0, 60)
            .flatMap(
                i -> concurrent.get().uri("/api/users/1").exchangeToMono(r -> r.toBodilessEntity()),
                20)
            .collectList()
            .block(Duration.ofSeconds(60));
    ResponseEntity<Void> refused =
        results.stream()
            .filter(result -> result.getStatusCode().value() == 429)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no request was refused with 429"));
    assertThat(refused.getHeaders().getValuesAsList("Retry-After")).containsExactly("1");
    assertThat(refused.getHeaders().getValuesAsList("X-RateLimit-Remaining")).containsExactly("0");
    assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
  }
}
