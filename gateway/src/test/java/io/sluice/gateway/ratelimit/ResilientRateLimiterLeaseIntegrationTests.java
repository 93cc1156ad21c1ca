package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.gateway.system.RequestPathRedis;
import io.sluice.testsupport.RedisEndpoint;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Token leasing against a real Redis shared by two limiter instances (two gateway replicas). */
@Timeout(60)
class ResilientRateLimiterLeaseIntegrationTests {

  /** Leases batches of min(100 max-tokens, 1,000/s × 100 ms) = 100 tokens. */
  private static final List<LimitSpec> THOUSAND_PER_SECOND =
      List.of(new LimitSpec("second", 1000, Duration.ofSeconds(1), 1000));

  private static final Duration MAX_AGE = Duration.ofMillis(100);

  private RedisEndpoint endpoint;
  private final List<RequestPathRedis> connections = new ArrayList<>();
  private final AtomicLong frozenClock = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void connect() {
    endpoint = TestRedis.freshEndpoint();
  }

  @AfterEach
  void disconnect() {
    connections.forEach(RequestPathRedis::close);
  }

  @Test
  void twoReplicasLeasingFromOneBucketNeverAdmitMoreThanRedisGranted() {
    CountingStore storeA = store();
    CountingStore storeB = store();
    ResilientRateLimiter replicaA = limiter(storeA, System::nanoTime);
    ResilientRateLimiter replicaB = limiter(storeB, System::nanoTime);

    long start = System.nanoTime();
    long admitted = admittedAlternately(replicaA, replicaB, "burst", 3_000, 16);
    double elapsedSeconds = (System.nanoTime() - start) / 1e9;

    // Every admission used a token Redis granted, and Redis granted no more than the bucket held.
    assertThat(admitted).isLessThanOrEqualTo(storeA.granted() + storeB.granted());
    assertThat(storeA.granted() + storeB.granted())
        .isLessThanOrEqualTo(1000 + (long) Math.ceil(1000 * elapsedSeconds));
    assertThat(admitted).isGreaterThanOrEqualTo(900);
  }

  @Test
  void leasingReplicasAdmitABurstWithinTheBucketWithFarFewerRedisCallsThanRequests() {
    CountingStore storeA = store();
    CountingStore storeB = store();
    ResilientRateLimiter replicaA = limiter(storeA, frozenClock::get);
    ResilientRateLimiter replicaB = limiter(storeB, frozenClock::get);

    long start = System.nanoTime();
    long admitted = admittedAlternately(replicaA, replicaB, "calls", 700, 8);
    double elapsedSeconds = (System.nanoTime() - start) / 1e9;

    // Each replica holds at most 1.25 batches unused (a quarter left and a renewal ahead), so
    // the first refusal can come only after 1000 - 2 × 125 = 750 admissions: a burst of 700 is
    // admitted whole however the leases and renewals interleave.
    assertThat(admitted).isEqualTo(700);
    // 350 requests each; a batch serves 100 of them, and requests arriving during a refill take
    // a single token each.
    assertThat(storeA.calls()).isLessThan(40);
    assertThat(storeB.calls()).isLessThan(40);
    // Redis's clock runs (only the leases' is frozen): the bucket refills at 1000/s meanwhile,
    // and leases renewed ahead may hold some of that.
    assertThat(storeA.granted() + storeB.granted())
        .isLessThanOrEqualTo(1000 + (long) Math.ceil(1000 * elapsedSeconds));
  }

  @Test
  void aPlanTooSlowToLeaseIsDecidedInRedisForEveryRequest() {
    CountingStore store = store();
    ResilientRateLimiter limiter = limiter(store, frozenClock::get);
    // Adds under one token per max-age (like the free plan), and too slowly to refill during the
    // test.
    List<LimitSpec> twentyPerMinute = List.of(LimitSpec.of("minute", 20, Duration.ofMinutes(1)));

    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      RateLimitDecision decision = limiter.consume("slow", twentyPerMinute).block();
      assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.REDIS);
      admitted += decision.allowed() ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(20);
    assertThat(store.calls()).isEqualTo(30);
    assertThat(store.granted()).isEqualTo(20);
  }

  @Test
  void decisionsFromALeaseCountRemainingDownByOneWithConsistentHeaders() {
    CountingStore store = store();
    ResilientRateLimiter limiter = limiter(store, frozenClock::get);

    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      RateLimitDecision decision = limiter.consume("headers", THOUSAND_PER_SECOND).block();
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.LEASE);
      HttpHeaders headers = new HttpHeaders();
      RateLimitHeaders.write(headers, decision);
      assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("\"second\";q=1000;w=1");
      assertThat(headers.getFirst("X-RateLimit-Limit")).isEqualTo("1000");
      assertThat(headers.getFirst("X-RateLimit-Reset")).isEqualTo("1");
      assertThat(headers.getFirst("RateLimit"))
          .isEqualTo("\"second\";r=" + headers.getFirst("X-RateLimit-Remaining") + ";t=1");
      remaining.add(headers.getFirst("X-RateLimit-Remaining"));
    }
    // Redis holds 900 after the batch of 100; this replica still has 99, 98, 97, 96 of it.
    assertThat(remaining).containsExactly("999", "998", "997", "996");
    assertThat(store.calls()).isEqualTo(1);
  }

  @Test
  void aLeaseExpiresAfterMaxAgeAndItsUnusedTokensAreLost() {
    CountingStore store = store();
    ResilientRateLimiter limiter = limiter(store, frozenClock::get);

    for (int i = 0; i < 10; i++) {
      limiter.consume("expiry", THOUSAND_PER_SECOND).block();
    }
    frozenClock.addAndGet(MAX_AGE.toNanos() - 1);
    assertThat(limiter.consume("expiry", THOUSAND_PER_SECOND).block().source())
        .isEqualTo(RateLimitDecision.Source.LEASE);
    assertThat(store.calls()).isEqualTo(1);

    frozenClock.addAndGet(1);
    RateLimitDecision afterExpiry = limiter.consume("expiry", THOUSAND_PER_SECOND).block();
    assertThat(store.calls()).isEqualTo(2);
    assertThat(store.granted()).isEqualTo(200);
    // The first batch's 89 unused tokens were not returned: Redis holds 800 plus what it refilled
    // since (1 per ms of the test's real time), and this replica 99 more (within the burst).
    assertThat(afterExpiry.buckets().get(0).remaining()).isBetween(899L, 1000L);
  }

  @Test
  void aLeaseTakenBeforeRedisDiedIsUsedUpAndThenTheDegradedModeDecides() {
    try (TestRedis.DedicatedRedis dedicated = TestRedis.startDedicated()) {
      RequestPathRedis connection = RedisFixtures.connect(dedicated.endpoint());
      connections.add(connection);
      RedisRateLimiterStore redis = new RedisRateLimiterStore(connection);
      redis.warmUp().block();
      RateLimitProperties properties =
          new RateLimitProperties(
              true,
              RateLimitProperties.DegradedMode.LOCAL_FALLBACK,
              Duration.ofMillis(50),
              2,
              Duration.ofSeconds(10),
              Map.of(),
              new RateLimitProperties.Lease(true, 100, MAX_AGE));
      ResilientRateLimiter limiter =
          new ResilientRateLimiter(
              new CountingStore(redis),
              new LocalRateLimiterStore(),
              properties,
              new SimpleMeterRegistry(),
              frozenClock::get);
      assertThat(limiter.consume("c", THOUSAND_PER_SECOND).block().source())
          .isEqualTo(RateLimitDecision.Source.LEASE);
      dedicated.stop();

      for (int i = 0; i < 99; i++) {
        RateLimitDecision decision = limiter.consume("c", THOUSAND_PER_SECOND).block();
        assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.LEASE);
        assertThat(decision.allowed()).isTrue();
      }
      for (int i = 0; i < 10; i++) {
        assertThat(limiter.consume("c", THOUSAND_PER_SECOND).block().source())
            .isEqualTo(RateLimitDecision.Source.LOCAL);
      }
    }
  }

  @Test
  void leasingTurnedOffDecidesEveryRequestInRedis() {
    CountingStore store = store();
    RateLimitProperties properties =
        properties(new RateLimitProperties.Lease(false, 100, MAX_AGE), Duration.ofMillis(500));
    ResilientRateLimiter limiter =
        new ResilientRateLimiter(
            store, new LocalRateLimiterStore(), properties, new SimpleMeterRegistry());
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.consume("off", THOUSAND_PER_SECOND).block().source())
          .isEqualTo(RateLimitDecision.Source.REDIS);
    }
    assertThat(store.calls()).isEqualTo(20);
  }

  /**
   * {@code requests} of {@code client}, sent to the two replicas in turn, {@code concurrency} at
   * once.
   */
  private static long admittedAlternately(
      ResilientRateLimiter replicaA,
      ResilientRateLimiter replicaB,
      String client,
      int requests,
      int concurrency) {
    return Flux.range(0, requests)
        .flatMap(
            i -> (i % 2 == 0 ? replicaA : replicaB).consume(client, THOUSAND_PER_SECOND),
            concurrency)
        .filter(RateLimitDecision::allowed)
        .count()
        .block();
  }

  private CountingStore store() {
    RequestPathRedis connection = RedisFixtures.connect(endpoint);
    connections.add(connection);
    RedisRateLimiterStore store = new RedisRateLimiterStore(connection);
    store.warmUp().block();
    return new CountingStore(store);
  }

  private static ResilientRateLimiter limiter(CountingStore store, LongSupplier leaseClock) {
    // A generous budget: this test is about leasing, not about a slow Redis on a busy machine.
    RateLimitProperties properties =
        properties(new RateLimitProperties.Lease(true, 100, MAX_AGE), Duration.ofMillis(500));
    return new ResilientRateLimiter(
        store, new LocalRateLimiterStore(), properties, new SimpleMeterRegistry(), leaseClock);
  }

  private static RateLimitProperties properties(
      RateLimitProperties.Lease lease, Duration redisTimeout) {
    return new RateLimitProperties(
        true,
        RateLimitProperties.DegradedMode.FAIL_CLOSED,
        redisTimeout,
        2,
        Duration.ofSeconds(10),
        Map.of(),
        lease);
  }

  /** The real Redis store, counting the script calls it makes and the tokens Redis granted. */
  static final class CountingStore implements RateLimiterStore {
    private final RedisRateLimiterStore redis;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong granted = new AtomicLong();

    CountingStore(RedisRateLimiterStore redis) {
      this.redis = redis;
    }

    @Override
    public Mono<RateLimitDecision> consume(String client, List<LimitSpec> limits) {
      return take(client, limits, 1).map(Grant::decision);
    }

    @Override
    public Mono<Grant> take(String client, List<LimitSpec> limits, long want) {
      return redis
          .take(client, limits, want)
          .doOnSubscribe(s -> calls.incrementAndGet())
          .doOnNext(grant -> granted.addAndGet(grant.tokens()));
    }

    @Override
    public <T> Mono<T> bounded(Mono<T> call, Duration budget) {
      return redis.bounded(call, budget);
    }

    long calls() {
      return calls.get();
    }

    long granted() {
      return granted.get();
    }
  }
}
