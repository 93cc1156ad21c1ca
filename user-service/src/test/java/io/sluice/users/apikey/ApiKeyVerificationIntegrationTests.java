package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The gateway's verification endpoint, and who may call any API keys endpoint at all. */
class ApiKeyVerificationIntegrationTests extends ApiKeysIntegrationTest {

  /** The token the gateway signs for its verification calls. */
  private WebTestClient gateway() {
    String token =
        TestTokens.token(
            TestTokens.SECRET,
            claims -> claims.subject("gateway").claim("plan", "internal").claim("scope", ADMIN));
    return client().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build();
  }

  @Autowired ApiKeyRepository repository;

  @Test
  void anActiveKeyVerifiesWithItsIdPlanAndScope() {
    Map<?, ?> created = createKey("Verify", "partner");
    verify(gateway(), sha256Hex((String) created.get("key")))
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .json(
            "{\"id\":\""
                + created.get("id")
                + "\",\"plan\":\"partner\","
                + "\"scope\":\"users:read users:write\"}",
            true);
  }

  @Test
  void verifyingSetsLastUsedAt() {
    Map<?, ?> created = createKey("Used", "free");
    String uri = "/api/keys/" + created.get("id");
    admin().get().uri(uri).exchange().expectBody().jsonPath("$.lastUsedAt").isEmpty();
    verify(gateway(), sha256Hex((String) created.get("key"))).expectStatus().isOk();
    admin().get().uri(uri).exchange().expectBody().jsonPath("$.lastUsedAt").isNotEmpty();
    ApiKey stored = repository.findById(UUID.fromString((String) created.get("id"))).block();
    assertThat(stored.lastUsedAt()).isAfterOrEqualTo(stored.createdAt().minusSeconds(5));
  }

  @Test
  void aRevokedKeyGives404() {
    Map<?, ?> created = createKey("Revoked", "standard");
    String hash = sha256Hex((String) created.get("key"));
    verify(gateway(), hash).expectStatus().isOk();
    admin().delete().uri("/api/keys/" + created.get("id")).exchange().expectStatus().isNoContent();
    verify(gateway(), hash)
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/not-found");
  }

  @Test
  void anUnknownHashGives404AndAMalformedOne400() {
    verify(gateway(), "0".repeat(64)).expectStatus().isNotFound();
    for (String bad : List.of("", "abc", "A".repeat(64), "sk_live_" + "a".repeat(56))) {
      verify(gateway(), bad)
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.errors[0].field")
          .isEqualTo("keyHash");
    }
    gateway()
        .post()
        .uri("/internal/api-keys/verify")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"key\":\"sk_live_abc\"}")
        .exchange()
        .expectStatus()
        .isBadRequest();
    gateway()
        .post()
        .uri("/internal/api-keys/verify")
        .contentType(MediaType.TEXT_PLAIN)
        .bodyValue("0".repeat(64))
        .exchange()
        .expectStatus()
        .isEqualTo(415);
  }

  private void expectOnEveryKeysEndpoint(WebTestClient client, int status) {
    String id = "/api/keys/" + UUID.randomUUID();
    List<WebTestClient.RequestHeadersSpec<?>> requests =
        List.of(
            client
                .post()
                .uri("/api/keys")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x", "plan", "free")),
            client.get().uri("/api/keys"),
            client.get().uri(id),
            client.method(HttpMethod.HEAD).uri(id),
            client.delete().uri(id),
            client
                .post()
                .uri("/internal/api-keys/verify")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("keyHash", "0".repeat(64))));
    for (WebTestClient.RequestHeadersSpec<?> request : requests) {
      request
          .exchange()
          .expectStatus()
          .isEqualTo(status)
          .expectHeader()
          .valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*");
    }
  }

  @Test
  void aTokenWithoutKeysAdminGives403OnEveryKeysEndpoint() {
    expectOnEveryKeysEndpoint(client(TestTokens.READ_WRITE), 403);
    expectOnEveryKeysEndpoint(client("users:read users:write other:admin"), 403);
  }

  @Test
  void aMissingOrInvalidTokenGives401OnEveryKeysEndpoint() {
    expectOnEveryKeysEndpoint(client(), 401);
    WebTestClient forged =
        client()
            .mutate()
            .defaultHeader(
                HttpHeaders.AUTHORIZATION,
                "Bearer "
                    + TestTokens.token(
                        "another-secret-that-is-long-enough-for-hs256",
                        claims -> claims.claim("scope", ADMIN)))
            .build();
    expectOnEveryKeysEndpoint(forged, 401);
  }

  @Test
  void aForbiddenCallerLearnsNothingAndChangesNothing() {
    Map<?, ?> created = createKey("Untouched", "free");
    verify(client(TestTokens.READ_WRITE), sha256Hex((String) created.get("key")))
        .expectStatus()
        .isForbidden()
        .expectBody()
        .jsonPath("$.id")
        .doesNotExist();
    assertThat(
            repository.findById(UUID.fromString((String) created.get("id"))).block().lastUsedAt())
        .isNull();
  }
}
