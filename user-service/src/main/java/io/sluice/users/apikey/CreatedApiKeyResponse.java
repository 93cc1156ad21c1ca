package io.sluice.users.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The answer to a creation: the only response that ever carries the plaintext {@code key}. It is
 * not stored, so it cannot be shown again.
 */
record CreatedApiKeyResponse(
    UUID id,
    String name,
    String plan,
    List<String> scopes,
    String prefix,
    String key,
    Instant createdAt) {

  static CreatedApiKeyResponse of(ApiKey stored, String plaintext) {
    return new CreatedApiKeyResponse(
        stored.id(),
        stored.name(),
        stored.plan(),
        stored.scopes(),
        stored.keyPrefix(),
        plaintext,
        stored.createdAt());
  }

  @Override
  public String toString() {
    return "CreatedApiKeyResponse[id=" + id + ", prefix=" + prefix + "]";
  }
}
