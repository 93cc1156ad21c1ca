package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** 400 and 413: what a malformed request gets, always as a problem that leaks nothing. */
class UserBadRequestIntegrationTests extends UserServiceIntegrationTest {

  private WebTestClient api() {
    return client(TestTokens.READ_WRITE);
  }

  private WebTestClient.BodyContentSpec post(String json) {
    return api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(json)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody();
  }

  @Test
  void malformedJsonGives400WithoutParserDetails() {
    String body =
        new String(
            post("{\"email\": \"a@b.co\", ").returnResult().getResponseBody(),
            StandardCharsets.UTF_8);
    assertThat(body)
        .contains("not well-formed JSON")
        .doesNotContain("jackson", "Jackson", "Exception", "tools.", "io.sluice", "at [Source");
  }

  @Test
  void aBodyThatIsNotAnObjectGives400() {
    post("[1,2]").jsonPath("$.detail").isEqualTo("The request body must be a JSON object.");
    post("null").jsonPath("$.status").isEqualTo(400);
  }

  @Test
  void wrongTypesGive400ListingTheFields() {
    post("{\"email\": 42, \"name\": [\"x\"]}")
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/validation")
        .jsonPath("$.errors[?(@.field == 'email')].message")
        .isEqualTo("must be a string")
        .jsonPath("$.errors[?(@.field == 'name')].message")
        .isEqualTo("must be a string");
  }

  @Test
  void invalidValuesGive400ListingEveryOffendingField() {
    String longEmail = "a".repeat(250) + "@x.io";
    post("{\"email\": \"" + longEmail + "\", \"name\": \"  \"}")
        .jsonPath("$.errors.length()")
        .isEqualTo(2)
        .jsonPath("$.errors[?(@.field == 'email')].message")
        .isEqualTo("must be at most 254 characters")
        .jsonPath("$.errors[?(@.field == 'name')].message")
        .isEqualTo("must not be blank");
    post("{\"email\": \"not-an-email\", \"name\": \"" + "n".repeat(101) + "\"}")
        .jsonPath("$.errors[?(@.field == 'email')].message")
        .isEqualTo("must be a valid email address")
        .jsonPath("$.errors[?(@.field == 'name')].message")
        .isEqualTo("must be at most 100 characters");
    post("{\"email\": \"ok@example.com\", \"name\": \"bell\\u0007\"}")
        .jsonPath("$.errors[0].message")
        .isEqualTo("must not contain control characters");
    post("{}")
        .jsonPath("$.errors[?(@.field == 'email')].message")
        .isEqualTo("is required")
        .jsonPath("$.errors[?(@.field == 'name')].message")
        .isEqualTo("is required");
  }

  @Test
  void clientSuppliedReadOnlyFieldsAreRejectedByName() {
    post("{\"id\": \"01890a5d-ac96-774b-bcce-b302099a8057\", \"email\": \"ro@example.com\","
            + " \"name\": \"RO\", \"createdAt\": \"2020-01-01T00:00:00Z\","
            + " \"updatedAt\": \"2020-01-01T00:00:00Z\", \"version\": 9, \"admin\": true}")
        .jsonPath("$.errors[*].field")
        .value(
            fields ->
                assertThat(fields.toString())
                    .contains("id", "createdAt", "updatedAt", "version", "admin"));
  }

  @Test
  void aPatchSettingAFieldToNullGives400() {
    String id =
        (String)
            api()
                .post()
                .uri("/api/users")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"email\": \"nullpatch@example.com\", \"name\": \"N\"}")
                .exchange()
                .expectBody(java.util.Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    api()
        .patch()
        .uri("/api/users/" + id)
        .contentType(MediaType.parseMediaType("application/merge-patch+json"))
        .bodyValue("{\"name\": null, \"version\": 3}")
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.errors.length()")
        .isEqualTo(2);
  }

  @Test
  void aMissingBodyGives400() {
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.detail")
        .isEqualTo("The request body is missing.");
  }

  @Test
  void malformedUuidsGive400() {
    for (String id : new String[] {"nope", "1-1-1-1-1", "01890a5d-ac96-774b-bcce-b302099a805z"}) {
      api()
          .get()
          .uri("/api/users/" + id)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectBody()
          .jsonPath("$.detail")
          .isEqualTo("The user id must be a UUID.");
    }
  }

  @Test
  void badLimitsAndCursorsGive400() {
    for (String query :
        new String[] {
          "limit=0", "limit=201", "limit=ten", "limit=-1", "cursor=abc", "cursor=!!!!", "email="
        }) {
      api()
          .get()
          .uri("/api/users?" + query)
          .exchange()
          .expectStatus()
          .isBadRequest()
          .expectHeader()
          .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }
    api().get().uri("/api/users?limit=200").exchange().expectStatus().isOk();
  }

  @Test
  void aBodyOver64KiBGives413() {
    byte[] big = new byte[64 * 1024 + 1];
    Arrays.fill(big, (byte) ' ');
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(big)
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void aChunkedBodyOver64KiBGives413() {
    // A Flux body has no Content-Length, so it is sent chunked and has to be counted.
    Flux<DataBuffer> chunks =
        Flux.range(0, 20)
            .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[8 * 1024]));
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .body(chunks, DataBuffer.class)
        .exchange()
        .expectStatus()
        .isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void aBodyJustUnder64KiBIsReadNormally() {
    String name = "{\"email\": \"big@example.com\", \"name\": \"Big\", \"pad\": \"";
    String json = name + " ".repeat(60 * 1024) + "\"}";
    post(json).jsonPath("$.errors[0].field").isEqualTo("pad");
  }
}
