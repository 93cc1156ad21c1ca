package io.sluice.users.user;

import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Every status of the users API, over HTTP against a running service and a real database. */
class UserApiIntegrationTests extends UserServiceIntegrationTest {

  private static final MediaType MERGE_PATCH =
      MediaType.parseMediaType("application/merge-patch+json");

  private WebTestClient api() {
    return client(TestTokens.READ_WRITE);
  }

  private Map<?, ?> create(String email, String name) {
    return api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", email, "name", name))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  void creatingAUserGives201WithLocationETagAndTheStoredUser() {
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "Grace@Example.com", "name", "  Grace Hopper  "))
        .exchange()
        .expectStatus()
        .isCreated()
        .expectHeader()
        .valueMatches(HttpHeaders.LOCATION, "/api/users/[0-9a-f-]{36}")
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, "\"0\"")
        .expectHeader()
        .exists("X-Request-Id")
        .expectBody()
        .jsonPath("$.id")
        .isNotEmpty()
        .jsonPath("$.email")
        .isEqualTo("Grace@Example.com")
        .jsonPath("$.name")
        .isEqualTo("Grace Hopper")
        .jsonPath("$.createdAt")
        .isNotEmpty()
        .jsonPath("$.updatedAt")
        .isNotEmpty()
        .jsonPath("$.version")
        .doesNotExist();
  }

  @Test
  void gettingAUserGivesItsETagAndIfNoneMatchGives304() {
    Map<?, ?> user = create("get@example.com", "Get");
    String uri = "/api/users/" + user.get("id");
    api()
        .get()
        .uri(uri)
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, "\"0\"")
        .expectBody()
        .jsonPath("$.email")
        .isEqualTo("get@example.com")
        .jsonPath("$.createdAt")
        .isEqualTo(user.get("createdAt"));
    api()
        .get()
        .uri(uri)
        .header(HttpHeaders.IF_NONE_MATCH, "W/\"0\"")
        .exchange()
        .expectStatus()
        .isNotModified()
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, "\"0\"")
        .expectBody()
        .isEmpty();
    api()
        .get()
        .uri(uri)
        .header(HttpHeaders.IF_NONE_MATCH, "\"7\"")
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void putReplacesTheUserAndBumpsTheETag() {
    String uri = "/api/users/" + create("put@example.com", "Put").get("id");
    api()
        .put()
        .uri(uri)
        .header(HttpHeaders.IF_MATCH, "\"0\"")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "put2@example.com", "name", "Put Two"))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, "\"1\"")
        .expectBody()
        .jsonPath("$.email")
        .isEqualTo("put2@example.com")
        .jsonPath("$.name")
        .isEqualTo("Put Two");
    // Without If-Match the write is unconditional.
    api()
        .put()
        .uri(uri)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "put3@example.com", "name", "Put Three"))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, "\"2\"");
  }

  @Test
  void aStaleIfMatchGives412AndChangesNothing() {
    String uri = "/api/users/" + create("stale@example.com", "Stale").get("id");
    api()
        .patch()
        .uri(uri)
        .contentType(MERGE_PATCH)
        .bodyValue(Map.of("name", "Fresh"))
        .exchange()
        .expectStatus()
        .isOk();
    for (String method : new String[] {"PUT", "PATCH", "DELETE"}) {
      api()
          .method(org.springframework.http.HttpMethod.valueOf(method))
          .uri(uri)
          .header(HttpHeaders.IF_MATCH, "\"0\"")
          .contentType(method.equals("PATCH") ? MERGE_PATCH : MediaType.APPLICATION_JSON)
          .bodyValue(Map.of("email", "stale@example.com", "name", "Overwritten"))
          .exchange()
          .expectStatus()
          .isEqualTo(HttpStatus.PRECONDITION_FAILED)
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON)
          .expectHeader()
          .doesNotExist(HttpHeaders.ETAG);
    }
    api().get().uri(uri).exchange().expectBody().jsonPath("$.name").isEqualTo("Fresh");
  }

  @Test
  void patchMergesOnlyTheFieldsSentAndMatchesTheCurrentETag() {
    String uri = "/api/users/" + create("patch@example.com", "Patch").get("id");
    api()
        .patch()
        .uri(uri)
        .header(HttpHeaders.IF_MATCH, "\"0\"")
        .contentType(MERGE_PATCH)
        .bodyValue(Map.of("name", " Patched "))
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .valueEquals(HttpHeaders.ETAG, "\"1\"")
        .expectBody()
        .jsonPath("$.email")
        .isEqualTo("patch@example.com")
        .jsonPath("$.name")
        .isEqualTo("Patched");
  }

  @Test
  void patchWithPlainJsonGives415WithTheAcceptedType() {
    String uri = "/api/users/" + create("patch415@example.com", "P").get("id");
    api()
        .patch()
        .uri(uri)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("name", "x"))
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void deleteGives204ThenTheUserIsGone() {
    String uri = "/api/users/" + create("delete@example.com", "Delete").get("id");
    api()
        .delete()
        .uri(uri)
        .header(HttpHeaders.IF_MATCH, "\"0\"")
        .exchange()
        .expectStatus()
        .isNoContent();
    api().get().uri(uri).exchange().expectStatus().isNotFound();
    api().delete().uri(uri).exchange().expectStatus().isNotFound();
  }

  @Test
  void aDuplicateEmailGives409WhateverItsCase() {
    create("dup@example.com", "First");
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "DUP@Example.COM", "name", "Second"))
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.CONFLICT)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/conflict");
    String other = "/api/users/" + create("dup-other@example.com", "Other").get("id");
    api()
        .patch()
        .uri(other)
        .contentType(MERGE_PATCH)
        .bodyValue(Map.of("email", "Dup@example.com"))
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.CONFLICT);
  }

  @Test
  void unknownIdsAndUnknownPathsGive404Problems() {
    api()
        .get()
        .uri("/api/users/01890a5d-ac96-774b-bcce-b302099a8057")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/not-found")
        .jsonPath("$.instance")
        .isEqualTo("/api/users/01890a5d-ac96-774b-bcce-b302099a8057")
        .jsonPath("$.requestId")
        .isNotEmpty();
    api()
        .put()
        .uri("/api/users/01890a5d-ac96-774b-bcce-b302099a8057")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "ghost@example.com", "name", "Ghost"))
        .exchange()
        .expectStatus()
        .isNotFound();
    client()
        .get()
        .uri("/no/such/path")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    api()
        .get()
        .uri("/api/nothing-here")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void anUnsupportedMethodGives405WithAllow() {
    api()
        .delete()
        .uri("/api/users")
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
        .expectHeader()
        .valueMatches(HttpHeaders.ALLOW, ".*GET.*")
        .expectHeader()
        .valueMatches(HttpHeaders.ALLOW, ".*POST.*")
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void anUnacceptableAcceptGives406Problem() {
    api()
        .get()
        .uri("/api/users")
        .accept(MediaType.TEXT_HTML)
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.NOT_ACCEPTABLE)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void aNonJsonBodyGives415() {
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.TEXT_PLAIN)
        .bodyValue("email=a@b.c")
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
        .expectHeader()
        .exists(HttpHeaders.ACCEPT)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }
}
