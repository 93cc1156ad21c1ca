package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class ApiKeyVerifierTests {

  private static final ClientIdentity ALICE =
      new ClientIdentity("key-1", "standard", "users:read users:write");
  private static final ClientIdentity ADMIN =
      new ClientIdentity("admin", "partner", "users:read users:write keys:admin");

  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger lookups = new AtomicInteger();
  private final Map<String, ClientIdentity> keys = new ConcurrentHashMap<>();

  /** The owner of keys, as user-service would answer: a map of active keys by hash. */
  private final ApiKeyLookup lookup =
      hash -> {
        lookups.incrementAndGet();
        return Mono.justOrEmpty(keys.get(hash));
      };

  private final ApiKeyProperties properties =
      new ApiKeyProperties(
          true,
          Duration.ofSeconds(4),
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          100,
          Duration.ofSeconds(2),
          60,
          "partner");

  private ApiKeyVerifier verifier(ApiKeyLookup lookup) {
    return new ApiKeyVerifier(lookup, properties, "admin-key-0123456789", ADMIN, clock::get);
  }

  @Test
  void aKnownKeyIsLookedUpOnceAndThenAnsweredFromMemory() {
    keys.put("h1", ALICE);
    ApiKeyVerifier verifier = verifier(lookup);
    verifier.verify("h1").as(StepVerifier::create).expectNext(ALICE).verifyComplete();
    for (int i = 0; i < 100; i++) {
      assertThat(verifier.cached("h1")).contains(ALICE);
    }
    assertThat(lookups).hasValue(1);
  }

  @Test
  void aRevokedKeyIsRefusedOnceTheCacheTtlHasPassed() {
    keys.put("h1", ALICE);
    ApiKeyVerifier verifier = verifier(lookup);
    verifier.verify("h1").block();
    keys.remove("h1");
    clock.addAndGet(Duration.ofMillis(3_900).toNanos());
    assertThat(verifier.cached("h1")).contains(ALICE);
    clock.addAndGet(Duration.ofMillis(200).toNanos());
    assertThat(verifier.cached("h1")).isEmpty();
    verifier.verify("h1").as(StepVerifier::create).verifyComplete();
  }

  @Test
  void anAgingEntryIsRefreshedInTheBackgroundWhileStillServed() {
    keys.put("h1", ALICE);
    ApiKeyVerifier verifier = verifier(lookup);
    verifier.verify("h1").block();
    keys.remove("h1");
    clock.addAndGet(Duration.ofMillis(2_500).toNanos());
    // Served from memory, and the refresh learns of the revocation.
    assertThat(verifier.cached("h1")).contains(ALICE);
    assertThat(lookups).hasValue(2);
    assertThat(verifier.cached("h1")).isEmpty();
  }

  @Test
  void concurrentVerificationsOfOneUnknownToMemoryKeyMakeOneLookup() {
    Sinks.One<ClientIdentity> answer = Sinks.one();
    ApiKeyVerifier verifier =
        verifier(
            hash -> {
              lookups.incrementAndGet();
              return answer.asMono();
            });
    Flux<ClientIdentity> all = Flux.range(0, 50).flatMap(i -> verifier.verify("h1")).cache();
    all.subscribe();
    answer.tryEmitValue(ALICE);
    all.as(StepVerifier::create).expectNextCount(50).verifyComplete();
    assertThat(lookups).hasValue(1);
  }

  @Test
  void anUnknownKeyIsRememberedAsUnknownForTheNegativeTtl() {
    ApiKeyVerifier verifier = verifier(lookup);
    verifier.verify("nope").as(StepVerifier::create).verifyComplete();
    verifier.verify("nope").as(StepVerifier::create).verifyComplete();
    assertThat(lookups).hasValue(1);
    clock.addAndGet(Duration.ofMillis(2_100).toNanos());
    verifier.verify("nope").as(StepVerifier::create).verifyComplete();
    assertThat(lookups).hasValue(2);
  }

  @Test
  void anOwnerThatCannotAnswerIsAnErrorNotAnUnknownKey() {
    ApiKeyVerifier verifier =
        verifier(hash -> Mono.error(new IllegalStateException("connection refused")));
    verifier.verify("h1").as(StepVerifier::create).verifyError(IllegalStateException.class);
  }

  @Test
  void theBootstrapAdministratorKeyIsRecognisedWithoutALookup() {
    ApiKeyVerifier verifier = verifier(lookup);
    assertThat(verifier.administrator("admin-key-0123456789")).contains(ADMIN);
    assertThat(verifier.administrator("admin-key-0123456788")).isEmpty();
    assertThat(lookups).hasValue(0);
  }
}
