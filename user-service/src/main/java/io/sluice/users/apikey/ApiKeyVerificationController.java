package io.sluice.users.apikey;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's key check: {@code POST /internal/api-keys/verify {"keyHash": "<sha-256 hex>"}}.
 * Outside {@code /api} so that the gateway, which routes only {@code /api/**}, can never expose it;
 * it needs an internal token with the {@code keys:admin} scope. The gateway sends the hash, not the
 * key, so the key never travels beyond the edge.
 */
@RestController
class ApiKeyVerificationController {

  static final String PATH = "/internal/api-keys/verify";

  private final ApiKeyService keys;

  ApiKeyVerificationController(ApiKeyService keys) {
    this.keys = keys;
  }

  @PostMapping(
      path = PATH,
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  Mono<ApiKeyVerification> verify(@RequestBody JsonNode body) {
    return Mono.fromCallable(() -> ApiKeyInput.keyHash(body)).flatMap(keys::verify);
  }
}
