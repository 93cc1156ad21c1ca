package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** The administrators' endpoints over HTTP, against a running service and a real database. */
class ApiKeyApiIntegrationTests extends ApiKeysIntegrationTest {

  @Autowired ApiKeyRepository repository;

  private String getBody(String uri) {
    return new String(
        admin()
            .get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentType(MediaType.APPLICATION_JSON)
            .expectBody()
            .returnResult()
            .getResponseBody(),
        StandardCharsets.UTF_8);
  }

  @Test
  void creatingAKeyGives201WithLocationAndThePlaintextKeyOnce() {
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "  Billing  ", "plan", "partner"))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectHeader()
        .valueMatches(HttpHeaders.LOCATION, "/api/keys/[0-9a-f-]{36}")
        .expectBody()
        .jsonPath("$.id")
        .isNotEmpty()
        .jsonPath("$.name")
        .isEqualTo("Billing")
        .jsonPath("$.plan")
        .isEqualTo("partner")
        .jsonPath("$.scopes")
        .isEqualTo(List.of("users:read", "users:write"))
        .jsonPath("$.key")
        .value(key -> assertThat((String) key).matches("sk_live_[0-9A-Za-z]{43,44}"))
        .jsonPath("$.prefix")
        .value(prefix -> assertThat((String) prefix).hasSize(12).startsWith("sk_live_"))
        .jsonPath("$.createdAt")
        .isNotEmpty()
        .jsonPath("$.keyHash")
        .doesNotExist()
        .jsonPath("$.hash")
        .doesNotExist();
  }

  @Test
  void theStoredHashIsTheSha256OfTheKeyAndThePrefixItsStart() {
    Map<?, ?> created = createKey("Hash", "free");
    String key = (String) created.get("key");
    ApiKey stored = repository.findById(UUID.fromString((String) created.get("id"))).block();
    assertThat(stored.keyHash()).isEqualTo(sha256Hex(key));
    assertThat(stored.keyPrefix()).isEqualTo(key.substring(0, 12)).isEqualTo(created.get("prefix"));
  }

  @Test
  void readingAndListingNeverShowTheKeyOrItsHash() {
    Map<?, ?> created = createKey("Secret", "standard");
    String key = (String) created.get("key");
    String hash = sha256Hex(key);
    String one = getBody("/api/keys/" + created.get("id"));
    String list = getBody("/api/keys?limit=200");
    for (String body : List.of(one, list)) {
      assertThat(body)
          .doesNotContain(key, hash, "\"key\"", "\"keyHash\"", "\"hash\"", "keyHash")
          .contains("\"prefix\":\"" + created.get("prefix") + "\"");
    }
    admin()
        .get()
        .uri("/api/keys/" + created.get("id"))
        .exchange()
        .expectBody()
        .jsonPath("$.id")
        .isEqualTo(created.get("id"))
        .jsonPath("$.name")
        .isEqualTo("Secret")
        .jsonPath("$.plan")
        .isEqualTo("standard")
        .jsonPath("$.scopes")
        .isEqualTo(List.of("users:read", "users:write"))
        .jsonPath("$.createdAt")
        .isEqualTo(created.get("createdAt"))
        .jsonPath("$.lastUsedAt")
        .isEmpty()
        .jsonPath("$.revokedAt")
        .isEmpty();
  }

  @Test
  void requestedScopesAreStoredInCanonicalOrder() {
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(
            Map.of("name", "Admin", "plan", "free", "scopes", List.of("keys:admin", "users:read")))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.scopes")
        .isEqualTo(List.of("users:read", "keys:admin"));
  }

  @Test
  void anUnknownPlanGives400NamingPlan() {
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "Gold", "plan", "gold"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/validation")
        .jsonPath("$.errors[0].field")
        .isEqualTo("plan")
        .jsonPath("$.errors[0].message")
        .isEqualTo("must be one of free, standard, partner")
        .jsonPath("$.requestId")
        .isNotEmpty();
  }

  @Test
  void badScopesGive400NamingScopes() {
    for (Object scopes : List.of(List.of("users:delete"), List.of(), "users:read", List.of(7))) {
      admin()
          .post()
          .uri("/api/keys")
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("name", "Scopes", "plan", "free", "scopes", scopes))
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.errors[0].field")
          .isEqualTo("scopes");
    }
  }

  @Test
  void malformedUnknownAndReadOnlyInputGivesTheUsersApisErrors() {
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\": ")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("The request body is not well-formed JSON.");
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "x", "plan", "free", "key", "sk_live_mine", "owner", "me"))
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors[?(@.field == 'key')].message")
        .isEqualTo("is read-only and must not be sent")
        .jsonPath("$.errors[?(@.field == 'owner')].message")
        .isEqualTo("is not a field of an API key");
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.TEXT_PLAIN)
        .bodyValue("name=x")
        .exchange()
        .expectStatus()
        .isEqualTo(415)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    admin()
        .post()
        .uri("/api/keys")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{\"name\":\"" + "x".repeat(70_000) + "\",\"plan\":\"free\"}")
        .exchange()
        .expectStatus()
        .isEqualTo(413);
  }

  @Test
  void revokingGives204AndIsIdempotent() {
    Map<?, ?> created = createKey("Revoke", "free");
    String uri = "/api/keys/" + created.get("id");
    admin().delete().uri(uri).exchange().expectStatus().isNoContent().expectBody().isEmpty();
    String revokedAt =
        admin()
            .get()
            .uri(uri)
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody()
            .get("revokedAt")
            .toString();
    admin().delete().uri(uri).exchange().expectStatus().isNoContent();
    admin().get().uri(uri).exchange().expectBody().jsonPath("$.revokedAt").isEqualTo(revokedAt);
  }

  @Test
  void anUnknownIdGives404AndAMalformedOne400() {
    String unknown = "/api/keys/" + UUID.randomUUID();
    admin()
        .get()
        .uri(unknown)
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/not-found");
    admin().delete().uri(unknown).exchange().expectStatus().isNotFound();
    admin().get().uri("/api/keys/not-a-uuid").exchange().expectStatus().isBadRequest();
    admin().delete().uri("/api/keys/1-1-1-1-1").exchange().expectStatus().isBadRequest();
  }

  @Test
  void pagingVisitsEveryKeyOnceInCreationOrder() {
    Set<Object> created = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      created.add(createKey("Page " + i, "free").get("id"));
    }
    List<Object> seen = new ArrayList<>();
    String cursor = null;
    do {
      String uri = "/api/keys?limit=3" + (cursor == null ? "" : "&cursor=" + cursor);
      Map<?, ?> page =
          admin()
              .get()
              .uri(uri)
              .exchange()
              .expectStatus()
              .isOk()
              .expectBody(Map.class)
              .returnResult()
              .getResponseBody();
      List<?> items = (List<?>) page.get("items");
      assertThat(items).hasSizeLessThanOrEqualTo(3);
      items.forEach(item -> seen.add(((Map<?, ?>) item).get("id")));
      cursor = (String) page.get("nextCursor");
    } while (cursor != null);
    assertThat(seen).doesNotHaveDuplicates().containsAll(created);
    assertThat(seen.stream().map(id -> UUID.fromString((String) id)).toList())
        .isSortedAccordingTo(UUID::compareTo);
    admin().get().uri("/api/keys?limit=0").exchange().expectStatus().isBadRequest();
    admin().get().uri("/api/keys?limit=201").exchange().expectStatus().isBadRequest();
    admin().get().uri("/api/keys?cursor=nope").exchange().expectStatus().isBadRequest();
  }

  @Test
  void keysAreUniqueAcrossManyCreations() {
    Set<Object> keys = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Map<?, ?> created = createKey("Many " + i, "standard");
      assertThat((String) created.get("key")).matches("sk_live_[0-9A-Za-z]{43}");
      keys.add(created.get("key"));
    }
    assertThat(keys).hasSize(50);
  }
}
