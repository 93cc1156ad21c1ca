package io.sluice.gateway.security;

import io.sluice.common.token.InternalTokenClaims.Scopes;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * Verifies keys with user-service's internal endpoint {@code POST /internal/api-keys/verify},
 * through the same load-balanced instances the routes use, as the gateway's own identity.
 */
class UserServiceApiKeyLookup implements ApiKeyLookup {

  /** How the gateway itself appears to user-service when it verifies keys. */
  static final ClientIdentity GATEWAY =
      new ClientIdentity("gateway", "internal", Scopes.KEYS_ADMIN);

  private final WebClient client;
  private final InternalTokenIssuer tokens;
  private final Duration timeout;

  UserServiceApiKeyLookup(WebClient client, InternalTokenIssuer tokens, Duration timeout) {
    this.client = client;
    this.tokens = tokens;
    this.timeout = timeout;
  }

  @Override
  public Mono<ClientIdentity> find(String keyHash) {
    return client
        .post()
        .uri("/internal/api-keys/verify")
        .header(HttpHeaders.AUTHORIZATION, tokens.bearerFor(GATEWAY))
        .contentType(MediaType.APPLICATION_JSON)
        .accept(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("keyHash", keyHash))
        .retrieve()
        .bodyToMono(VerifiedKey.class)
        .map(key -> new ClientIdentity(key.id(), key.plan(), key.scope()))
        .onErrorResume(
            WebClientResponseException.class,
            e ->
                e.getStatusCode().value() == HttpStatus.NOT_FOUND.value()
                    ? Mono.empty()
                    : Mono.error(e))
        .timeout(timeout);
  }

  /** The verification answer. */
  record VerifiedKey(String id, String plan, String scope) {}
}
