package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.UserServiceIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import reactor.test.StepVerifier;

/** The repository against the migrated schema on a real PostgreSQL. */
class UserRepositoryIntegrationTests extends UserServiceIntegrationTest {

  @Autowired UserRepository repository;

  private static User newUser(String email) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    return new User(UserIds.next(), email, "Repo", now, now, null);
  }

  @Test
  void aSavedUserIsInsertedAtVersionZeroAndReadBackUnchanged() {
    User user = newUser("repo-save@example.com");
    repository
        .save(user)
        .as(StepVerifier::create)
        .assertNext(saved -> assertThat(saved.version()).isZero())
        .verifyComplete();
    repository
        .findById(user.id())
        .as(StepVerifier::create)
        .expectNext(user.withVersion(0L))
        .verifyComplete();
  }

  @Test
  void theUniqueIndexRejectsTheSameEmailInAnotherCase() {
    repository
        .save(newUser("repo-dup@example.com"))
        .as(StepVerifier::create)
        .expectNextCount(1)
        .verifyComplete();
    repository
        .save(newUser("REPO-DUP@example.com"))
        .as(StepVerifier::create)
        .expectError(DuplicateKeyException.class)
        .verify();
  }

  @Test
  void savingAStaleVersionFailsWithOptimisticLocking() {
    User saved = repository.save(newUser("repo-stale@example.com")).block();
    User changed = saved.withContent(saved.email(), "Changed", saved.updatedAt());
    repository
        .save(changed)
        .as(StepVerifier::create)
        .assertNext(u -> assertThat(u.version()).isEqualTo(1L))
        .verifyComplete();
    repository
        .save(changed.withContent(saved.email(), "Lost update", saved.updatedAt()))
        .as(StepVerifier::create)
        .expectError(OptimisticLockingFailureException.class)
        .verify();
  }

  @Test
  void deleteByIdAndVersionOnlyDeletesTheNamedVersion() {
    User saved = repository.save(newUser("repo-delete@example.com")).block();
    repository
        .deleteByIdAndVersion(saved.id(), 5)
        .as(StepVerifier::create)
        .expectNext(0L)
        .verifyComplete();
    repository
        .deleteByIdAndVersion(saved.id(), 0)
        .as(StepVerifier::create)
        .expectNext(1L)
        .verifyComplete();
    repository.findById(saved.id()).as(StepVerifier::create).verifyComplete();
  }

  @Test
  void pagesFollowIdOrderAndTheEmailFilterIgnoresCase() {
    User a = repository.save(newUser("repo-page-a@example.com")).block();
    User b = repository.save(newUser("repo-page-b@example.com")).block();
    repository
        .findPage(a.id(), 1000)
        .map(User::id)
        .as(StepVerifier::create)
        .thenConsumeWhile(
            id -> true, id -> assertThat(id.toString()).isGreaterThan(a.id().toString()))
        .verifyComplete();
    repository
        .findPageByEmail("REPO-PAGE-B@EXAMPLE.COM", UserCursor.START, 10)
        .as(StepVerifier::create)
        .expectNext(b)
        .verifyComplete();
    repository
        .findPageByEmail("repo-page-b@example.com", b.id(), 10)
        .as(StepVerifier::create)
        .verifyComplete();
  }

  @Test
  void anUnknownIdFindsNothing() {
    repository.findById(UUID.randomUUID()).as(StepVerifier::create).verifyComplete();
  }
}
