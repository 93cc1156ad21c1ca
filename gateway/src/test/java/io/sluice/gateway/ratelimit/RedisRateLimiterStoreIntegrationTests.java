package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.system.RequestPathRedis;
import io.sluice.testsupport.RedisCommands;
import io.sluice.testsupport.RedisEndpoint;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisRateLimiterStoreIntegrationTests {

  private static RedisEndpoint endpoint;
  private static RequestPathRedis replicaA;
  private static RequestPathRedis replicaB;
  private static RedisRateLimiterStore storeA;
  private static RedisRateLimiterStore storeB;

  private final List<LimitSpec> fivePerMinute =
      List.of(LimitSpec.of("minute", 5, Duration.ofMinutes(1)));

  @BeforeAll
  static void connect() {
    endpoint = TestRedis.freshEndpoint();
    replicaA = RedisFixtures.connect(endpoint);
    replicaB = RedisFixtures.connect(endpoint);
    storeA = new RedisRateLimiterStore(replicaA);
    storeB = new RedisRateLimiterStore(replicaB);
    storeA.warmUp().block();
    storeB.warmUp().block();
  }

  @AfterAll
  static void disconnect() {
    replicaA.close();
    replicaB.close();
  }

  @Test
  void aBurstIsAdmittedExactlyUpToTheBucketSize() {
    assertThat(admitted(storeA, "burst-client", fivePerMinute, 12)).isEqualTo(5);
  }

  @Test
  void aBurstPlusRefillAdmitsCapacityPlusWhatTheRateAddedWithinOneRequest() throws Exception {
    List<LimitSpec> tenPerSecond = List.of(new LimitSpec("second", 10, Duration.ofSeconds(1), 20));
    long start = System.nanoTime();
    int admitted = admitted(storeA, "refill-client", tenPerSecond, 20);
    Thread.sleep(1_000);
    admitted += admitted(storeA, "refill-client", tenPerSecond, 30);
    double elapsedSeconds = (System.nanoTime() - start) / 1e9;
    double expected = 20 + 10 * elapsedSeconds;
    assertThat((double) admitted).isBetween(expected - 1.5, expected + 1);
  }

  @Test
  void twoGatewayReplicasShareOneLimit() {
    int admitted = 0;
    for (int i = 0; i < 6; i++) {
      admitted += admitted(storeA, "shared-client", fivePerMinute, 1);
      admitted += admitted(storeB, "shared-client", fivePerMinute, 1);
    }
    assertThat(admitted).isEqualTo(5);
  }

  @Test
  void twoClientsAreIsolatedFromEachOther() {
    assertThat(admitted(storeA, "client-one", fivePerMinute, 8)).isEqualTo(5);
    assertThat(admitted(storeA, "client-two", fivePerMinute, 8)).isEqualTo(5);
  }

  @Test
  void aDeniedDecisionCarriesTheTimeUntilTheNextToken() {
    admitted(storeA, "retry-client", fivePerMinute, 5);
    RateLimitDecision denied = storeA.consume("retry-client", fivePerMinute).block();
    assertThat(denied.allowed()).isFalse();
    // One token per 12 s: the next arrives within 12 s, and little of that has passed.
    assertThat(denied.retryAfterMicros()).isBetween(10_000_000L, 12_000_000L);
    assertThat(denied.retryAfterSeconds()).isBetween(11L, 12L);
    assertThat(denied.buckets().get(0).remaining()).isZero();
    assertThat(denied.buckets().get(0).resetSeconds()).isBetween(59L, 60L);
  }

  @Test
  void aDeniedRequestTakesNoTokenFromTheOtherLimits() {
    List<LimitSpec> two =
        List.of(
            LimitSpec.of("wide", 5, Duration.ofMinutes(1)),
            LimitSpec.of("narrow", 3, Duration.ofMinutes(1)));
    assertThat(admitted(storeA, "multi-client", two, 10)).isEqualTo(3);
    RateLimitDecision last = storeA.consume("multi-client", two).block();
    assertThat(last.buckets()).extracting(BucketState::remaining).containsExactly(2L, 0L);
  }

  @Test
  void aBatchGetsWhatTheEmptiestBucketHoldsUpToWhatWasWantedTakenFromEveryBucket() {
    List<LimitSpec> two =
        List.of(
            LimitSpec.of("wide", 50, Duration.ofMinutes(1)),
            LimitSpec.of("narrow", 8, Duration.ofMinutes(1)));

    RateLimiterStore.Grant first = storeA.take("batch-client", two, 5).block();
    assertThat(first.tokens()).isEqualTo(5);
    assertThat(first.decision().allowed()).isTrue();
    assertThat(first.decision().retryAfterMicros()).isZero();
    assertThat(first.decision().buckets())
        .extracting(BucketState::remaining)
        .containsExactly(45L, 3L);

    RateLimiterStore.Grant second = storeB.take("batch-client", two, 5).block();
    assertThat(second.tokens()).isEqualTo(3);
    assertThat(second.decision().buckets())
        .extracting(BucketState::remaining)
        .containsExactly(42L, 0L);
  }

  @Test
  void aBatchFromAnEmptyBucketIsDeniedWithTheTimeUntilItsNextToken() {
    List<LimitSpec> two =
        List.of(
            LimitSpec.of("wide", 50, Duration.ofMinutes(1)),
            LimitSpec.of("narrow", 8, Duration.ofMinutes(1)));
    assertThat(storeA.take("empty-batch-client", two, 8).block().tokens()).isEqualTo(8);

    RateLimiterStore.Grant denied = storeA.take("empty-batch-client", two, 5).block();
    assertThat(denied.tokens()).isZero();
    assertThat(denied.decision().allowed()).isFalse();
    // One token per 7.5 s in the narrow bucket, and little of that has passed.
    assertThat(denied.decision().retryAfterMicros()).isBetween(6_500_000L, 7_500_000L);
    assertThat(denied.decision().buckets())
        .extracting(BucketState::remaining)
        .containsExactly(42L, 0L);
  }

  @Test
  void bucketKeysAreNamespacedHashTaggedAndExpire() {
    storeA.consume("ttl-client", fivePerMinute).block();
    String key = "sluice:rl:{ttl-client}:minute";
    long ttl = Long.parseLong(RedisCommands.run(endpoint, "PTTL", key));
    assertThat(ttl).isBetween(1_000L, 13_000L);
    assertThat(RedisCommands.run(endpoint, "EXISTS", "sluice:rl:{ttl-client}:other"))
        .isEqualTo("0");
  }

  private static int admitted(
      RedisRateLimiterStore store, String client, List<LimitSpec> limits, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (store.consume(client, limits).block().allowed()) {
        admitted++;
      }
    }
    return admitted;
  }
}
