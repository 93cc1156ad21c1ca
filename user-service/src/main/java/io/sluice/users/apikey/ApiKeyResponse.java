package io.sluice.users.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A key as administrators see it when reading or listing: never the key or its hash. */
record ApiKeyResponse(
    UUID id,
    String name,
    String plan,
    List<String> scopes,
    String prefix,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  static ApiKeyResponse of(ApiKey key) {
    return new ApiKeyResponse(
        key.id(),
        key.name(),
        key.plan(),
        key.scopes(),
        key.keyPrefix(),
        key.createdAt(),
        key.lastUsedAt(),
        key.revokedAt());
  }

  /** One page of keys; {@code nextCursor} is {@code null} on the last page. */
  record Page(List<ApiKeyResponse> items, String nextCursor) {}
}
