package io.sluice.users.apikey;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An API key as stored: never the key itself, only its SHA-256 ({@code keyHash}) and its first
 * characters ({@code keyPrefix}). {@code lastUsedAt} is kept to the minute by verification; a key
 * with {@code revokedAt} set no longer verifies.
 */
@Table("api_keys")
record ApiKey(
    @Id UUID id,
    String name,
    String plan,
    List<String> scopes,
    String keyHash,
    String keyPrefix,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  @Override
  public String toString() {
    // The hash is not the key, but nothing about key material belongs in a log line.
    return "ApiKey[id=" + id + ", prefix=" + keyPrefix + ", plan=" + plan + "]";
  }
}
