package io.sluice.users.user;

import io.sluice.users.user.UserInput.UserFields;
import io.sluice.users.user.UserPreconditions.IfMatch;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * What can be done to users, independent of HTTP: create, read, page, change and delete, with
 * optimistic locking on the stored {@code version}.
 */
@Service
class UserService {

  /** Attempts of an unconditional update that keeps losing races with concurrent writers. */
  private static final int UNCONDITIONAL_RETRIES = 3;

  private final UserRepository repository;
  private final Clock clock;

  UserService(UserRepository repository) {
    this.repository = repository;
    this.clock = Clock.systemUTC();
  }

  /** One page in id order, and whether more rows follow it. */
  record Page(List<User> users, boolean more) {}

  Mono<User> create(UserFields fields) {
    Instant now = now();
    User user = new User(UserIds.next(), fields.email(), fields.name(), now, now, null);
    return repository
        .save(user)
        .onErrorMap(DuplicateKeyException.class, e -> UserProblems.duplicateEmail());
  }

  Mono<User> find(UUID id) {
    return repository.findById(id).switchIfEmpty(Mono.error(() -> UserProblems.notFound(id)));
  }

  Mono<Page> page(UUID after, int limit, String email) {
    // One row more than asked tells whether there is a next page without a count query.
    var rows =
        email == null
            ? repository.findPage(after, limit + 1)
            : repository.findPageByEmail(email, after, limit + 1);
    return rows.collectList()
        .map(
            users ->
                users.size() > limit
                    ? new Page(users.subList(0, limit), true)
                    : new Page(users, false));
  }

  /**
   * Sets the fields that are not {@code null} in {@code change}. A change that alters nothing
   * writes nothing, so the version (and the ETag clients hold) stays.
   */
  Mono<User> update(UUID id, IfMatch ifMatch, UserFields change) {
    return Mono.defer(
            () ->
                find(id)
                    .flatMap(
                        current -> {
                          if (!ifMatch.matches(current.version())) {
                            return Mono.error(UserProblems.stale());
                          }
                          String email = change.email() == null ? current.email() : change.email();
                          String name = change.name() == null ? current.name() : change.name();
                          if (current.hasContent(email, name)) {
                            return Mono.just(current);
                          }
                          return repository.save(current.withContent(email, name, now()));
                        }))
        .retryWhen(lostRaceUnless(ifMatch))
        .onErrorMap(OptimisticLockingFailureException.class, e -> UserProblems.stale())
        .onErrorMap(DuplicateKeyException.class, e -> UserProblems.duplicateEmail());
  }

  Mono<Void> delete(UUID id, IfMatch ifMatch) {
    return Mono.defer(
            () ->
                find(id)
                    .flatMap(
                        current -> {
                          if (!ifMatch.matches(current.version())) {
                            return Mono.<Long>error(UserProblems.stale());
                          }
                          return repository.deleteByIdAndVersion(id, current.version());
                        })
                    .flatMap(
                        deleted ->
                            deleted == 1
                                ? Mono.<Void>empty()
                                : Mono.<Void>error(
                                    new OptimisticLockingFailureException("changed meanwhile"))))
        .retryWhen(lostRaceUnless(ifMatch))
        .onErrorMap(OptimisticLockingFailureException.class, e -> UserProblems.stale());
  }

  /**
   * A client that sent If-Match asked to fail on a concurrent change; one that did not asked for
   * last-writer-wins, so its write is simply tried again on the new version.
   */
  private static Retry lostRaceUnless(IfMatch ifMatch) {
    return Retry.max(ifMatch.present() ? 0 : UNCONDITIONAL_RETRIES)
        .filter(OptimisticLockingFailureException.class::isInstance)
        .onRetryExhaustedThrow((spec, signal) -> signal.failure());
  }

  private Instant now() {
    // PostgreSQL keeps microseconds; truncating here makes the response equal what a GET returns.
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
