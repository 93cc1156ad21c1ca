package io.sluice.users.user;

import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The internal token: 401 for anything but a valid one, 403 when its scope falls short. */
class UserTokenIntegrationTests extends UserServiceIntegrationTest {

  private WebTestClient.ResponseSpec listWith(String authorization) {
    WebTestClient.RequestHeadersSpec<?> request = client().get().uri("/api/users");
    if (authorization != null) {
      request = request.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    return request.exchange();
  }

  private void isUnauthorized(String authorization) {
    listWith(authorization)
        .expectStatus()
        .isUnauthorized()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectHeader()
        .valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*")
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/unauthorized")
        .jsonPath("$.requestId")
        .isNotEmpty();
  }

  @Test
  void aMissingTokenGives401() {
    isUnauthorized(null);
    isUnauthorized("Basic dXNlcjpwYXNz");
    isUnauthorized("Bearer not.a.jwt");
  }

  @Test
  void aTokenSignedWithAnotherSecretGives401() {
    isUnauthorized(
        "Bearer " + TestTokens.token("another-secret-that-is-long-enough-for-hs256", c -> c));
  }

  @Test
  void anExpiredTokenGives401() {
    Instant past = Instant.now().minusSeconds(120);
    isUnauthorized(
        "Bearer "
            + TestTokens.token(
                TestTokens.SECRET,
                c -> c.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(30)))));
  }

  @Test
  void aTokenWithoutExpiryOrLivingTooLongGives401() {
    isUnauthorized("Bearer " + TestTokens.token(TestTokens.SECRET, c -> c.expirationTime(null)));
    isUnauthorized(
        "Bearer "
            + TestTokens.token(
                TestTokens.SECRET,
                c -> c.expirationTime(Date.from(Instant.now().plusSeconds(3600)))));
  }

  @Test
  void aTokenForAnotherAudienceOrFromAnotherIssuerGives401() {
    isUnauthorized("Bearer " + TestTokens.token(TestTokens.SECRET, c -> c.audience("gateway")));
    isUnauthorized("Bearer " + TestTokens.token(TestTokens.SECRET, c -> c.issuer("someone-else")));
  }

  @Test
  void aValidTokenIsAccepted() {
    listWith("Bearer " + TestTokens.token(TestTokens.READ)).expectStatus().isOk();
  }

  @Test
  void readsNeedUsersReadScope() {
    client(TestTokens.WRITE)
        .get()
        .uri("/api/users")
        .exchange()
        .expectStatus()
        .isForbidden()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://sluice.dev/problems/forbidden");
    client("").get().uri("/api/users").exchange().expectStatus().isForbidden();
  }

  @Test
  void writesNeedUsersWriteScope() {
    client(TestTokens.READ)
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", "scope@example.com", "name", "Scope"))
        .exchange()
        .expectStatus()
        .isForbidden();
    client(TestTokens.READ)
        .delete()
        .uri("/api/users/01890a5d-ac96-774b-bcce-b302099a8057")
        .exchange()
        .expectStatus()
        .isForbidden();
  }

  @Test
  void apiKeysNeedKeysAdminScope() {
    client(TestTokens.READ_WRITE).get().uri("/api/keys").exchange().expectStatus().isForbidden();
    client().get().uri("/api/keys").exchange().expectStatus().isUnauthorized();
    // The API keys feature (io.sluice.users.apikey) answers once the scope allows it.
    client("keys:admin").get().uri("/api/keys").exchange().expectStatus().isOk();
  }
}
