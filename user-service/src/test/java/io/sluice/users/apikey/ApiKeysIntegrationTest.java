package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.UserServiceIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Helpers of the API keys HTTP tests: an administrator client and keys created through it. */
abstract class ApiKeysIntegrationTest extends UserServiceIntegrationTest {

  static final String ADMIN = "keys:admin";

  WebTestClient admin() {
    return client(ADMIN);
  }

  /** Creates a key over HTTP; the response body, which holds the plaintext {@code key}. */
  Map<?, ?> createKey(String name, String plan) {
    Map<?, ?> created =
        admin()
            .post()
            .uri("/api/keys")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(Map.of("name", name, "plan", plan))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    assertThat(created.get("key")).isInstanceOf(String.class);
    return created;
  }

  /** The SHA-256 of the key as the gateway computes it, independently of the service's code. */
  static String sha256Hex(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  WebTestClient.ResponseSpec verify(WebTestClient client, String keyHash) {
    return client
        .post()
        .uri("/internal/api-keys/verify")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("keyHash", keyHash))
        .exchange();
  }
}
