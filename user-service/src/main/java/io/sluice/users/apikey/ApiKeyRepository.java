package io.sluice.users.apikey;

import java.util.UUID;
import org.springframework.data.r2dbc.repository.Modifying;
import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * API keys in PostgreSQL. Inserts go through {@code R2dbcEntityTemplate.insert} (the id is assigned
 * by the service, so {@code save} would try an update).
 */
interface ApiKeyRepository extends ReactiveCrudRepository<ApiKey, UUID> {

  /** Up to {@code limit} keys with an id above {@code after}, in id (creation) order. */
  @Query("SELECT * FROM api_keys WHERE id > :after ORDER BY id LIMIT :limit")
  Flux<ApiKey> findPage(UUID after, int limit);

  /**
   * Revokes the key; a key revoked before keeps its first {@code revoked_at}. The number of rows
   * found: 0 means there is no such key.
   */
  @Modifying
  @Query("UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = :id")
  Mono<Long> revoke(UUID id);

  /**
   * The active key with this hash, empty when it is unknown or revoked; and, in the same statement
   * (one round trip, two lookups on the unique hash index), marks it used unless it already was
   * within the last minute. The row lock and PostgreSQL's re-check of the condition on the locked
   * row mean concurrent verifications write {@code last_used_at} once, not once each.
   */
  @Query(
      """
      WITH active AS (
        SELECT id, plan, scopes FROM api_keys
        WHERE key_hash = :keyHash AND revoked_at IS NULL
      ), touched AS (
        UPDATE api_keys SET last_used_at = now()
        WHERE key_hash = :keyHash AND revoked_at IS NULL
          AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
      )
      SELECT id, plan, array_to_string(scopes, ' ') AS scope FROM active
      """)
  Mono<ApiKeyVerification> verify(String keyHash);
}
