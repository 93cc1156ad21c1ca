package io.sluice.users.user;

import java.util.UUID;
import org.springframework.data.r2dbc.repository.Modifying;
import org.springframework.data.r2dbc.repository.Query;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Users in PostgreSQL. Pages are keyset pages over the primary key: each is one index range scan,
 * O(log n) to find its start at any depth, and rows inserted meanwhile cannot shift it.
 */
interface UserRepository extends ReactiveCrudRepository<User, UUID> {

  /** Up to {@code limit} users with an id above {@code after}, in id order. */
  @Query("SELECT * FROM users WHERE id > :after ORDER BY id LIMIT :limit")
  Flux<User> findPage(UUID after, int limit);

  /** Like {@link #findPage} among users whose email equals {@code email} ignoring case. */
  @Query(
      "SELECT * FROM users WHERE lower(email) = lower(:email) AND id > :after"
          + " ORDER BY id LIMIT :limit")
  Flux<User> findPageByEmail(String email, UUID after, int limit);

  /** Deletes the user if it still has {@code version}; the number of rows deleted. */
  @Modifying
  @Query("DELETE FROM users WHERE id = :id AND version = :version")
  Mono<Long> deleteByIdAndVersion(UUID id, long version);
}
