package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.UserServiceIntegrationTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.test.StepVerifier;

/** The repository and the V2 schema on a real PostgreSQL. */
class ApiKeyRepositoryIntegrationTests extends UserServiceIntegrationTest {

  @Autowired ApiKeyRepository repository;
  @Autowired R2dbcEntityTemplate template;
  @Autowired DatabaseClient database;

  private final ApiKeySecrets secrets = new ApiKeySecrets();

  private ApiKey newKey(String plan, List<String> scopes) {
    ApiKeySecrets.NewKey secret = secrets.generate();
    return new ApiKey(
        ApiKeyIds.next(),
        "Repo",
        plan,
        scopes,
        secret.hash(),
        secret.prefix(),
        Instant.now().truncatedTo(ChronoUnit.MICROS),
        null,
        null);
  }

  private ApiKey inserted() {
    return template.insert(newKey("standard", List.of("users:read", "users:write"))).block();
  }

  private Instant lastUsedAt(UUID id) {
    return repository
        .findById(id)
        .map(k -> k.lastUsedAt() == null ? Instant.EPOCH : k.lastUsedAt())
        .block();
  }

  @Test
  void anInsertedKeyIsReadBackUnchangedWithItsScopesArray() {
    ApiKey key = newKey("partner", List.of("users:read", "keys:admin"));
    template.insert(key).as(StepVerifier::create).expectNext(key).verifyComplete();
    repository.findById(key.id()).as(StepVerifier::create).expectNext(key).verifyComplete();
  }

  @Test
  void theSameHashCannotBeStoredTwice() {
    ApiKey first = inserted();
    ApiKey copy =
        new ApiKey(
            ApiKeyIds.next(),
            "Copy",
            "free",
            List.of("users:read"),
            first.keyHash(),
            first.keyPrefix(),
            first.createdAt(),
            null,
            null);
    template
        .insert(copy)
        .as(StepVerifier::create)
        .expectError(DuplicateKeyException.class)
        .verify();
  }

  @Test
  void theSchemaRefusesUnknownScopesAndMalformedHashes() {
    template
        .insert(newKey("free", List.of("root")))
        .as(StepVerifier::create)
        .expectError(DataIntegrityViolationException.class)
        .verify();
    ApiKey good = newKey("free", List.of("users:read"));
    ApiKey upperCaseHash =
        new ApiKey(
            good.id(),
            good.name(),
            good.plan(),
            good.scopes(),
            "A".repeat(64),
            good.keyPrefix(),
            good.createdAt(),
            null,
            null);
    template
        .insert(upperCaseHash)
        .as(StepVerifier::create)
        .expectError(DataIntegrityViolationException.class)
        .verify();
  }

  @Test
  void pagesFollowIdOrder() {
    ApiKey a = inserted();
    ApiKey b = inserted();
    repository
        .findPage(a.id(), 1000)
        .map(ApiKey::id)
        .collectList()
        .as(StepVerifier::create)
        .assertNext(
            ids -> {
              assertThat(ids).contains(b.id()).doesNotContain(a.id());
              assertThat(ids).isSortedAccordingTo(UUID::compareTo);
            })
        .verifyComplete();
  }

  @Test
  void revokingIsIdempotentAndKeepsTheFirstRevocationTime() {
    ApiKey key = inserted();
    repository.revoke(key.id()).as(StepVerifier::create).expectNext(1L).verifyComplete();
    Instant revokedAt = repository.findById(key.id()).block().revokedAt();
    assertThat(revokedAt).isNotNull();
    repository.revoke(key.id()).as(StepVerifier::create).expectNext(1L).verifyComplete();
    assertThat(repository.findById(key.id()).block().revokedAt()).isEqualTo(revokedAt);
    repository.revoke(UUID.randomUUID()).as(StepVerifier::create).expectNext(0L).verifyComplete();
  }

  @Test
  void verifyingAnActiveKeyGivesItsIdPlanAndScopeAndMarksItUsed() {
    ApiKey key = inserted();
    assertThat(key.lastUsedAt()).isNull();
    repository
        .verify(key.keyHash())
        .as(StepVerifier::create)
        .expectNext(new ApiKeyVerification(key.id(), "standard", "users:read users:write"))
        .verifyComplete();
    assertThat(lastUsedAt(key.id())).isAfter(Instant.EPOCH);
  }

  @Test
  void lastUsedAtIsWrittenAtMostOnceAMinute() {
    ApiKey key = inserted();
    repository.verify(key.keyHash()).block();
    Instant first = lastUsedAt(key.id());
    repository.verify(key.keyHash()).as(StepVerifier::create).expectNextCount(1).verifyComplete();
    assertThat(lastUsedAt(key.id())).isEqualTo(first);

    database
        .sql("UPDATE api_keys SET last_used_at = now() - interval '61 seconds' WHERE id = :id")
        .bind("id", key.id())
        .then()
        .block();
    Instant old = lastUsedAt(key.id());
    repository.verify(key.keyHash()).as(StepVerifier::create).expectNextCount(1).verifyComplete();
    assertThat(lastUsedAt(key.id())).isAfter(old.plusSeconds(30));
  }

  @Test
  void revokedAndUnknownKeysDoNotVerify() {
    ApiKey key = inserted();
    repository.revoke(key.id()).block();
    repository.verify(key.keyHash()).as(StepVerifier::create).verifyComplete();
    assertThat(repository.findById(key.id()).block().lastUsedAt()).isNull();
    repository.verify("0".repeat(64)).as(StepVerifier::create).verifyComplete();
  }
}
