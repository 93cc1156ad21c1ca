package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.gateway.system.RequestPathRedis;
import io.sluice.testsupport.RedisCommands;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResilientRateLimiterIntegrationTests {

  private static final List<LimitSpec> LIMITS =
      List.of(LimitSpec.of("minute", 40, Duration.ofMinutes(1)));

  private TestRedis.DedicatedRedis redis;
  private RequestPathRedis connection;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void startRedis() {
    redis = TestRedis.startDedicated();
    connection = RedisFixtures.connect(redis.endpoint());
  }

  @AfterEach
  void stopRedis() {
    connection.close();
    redis.stop();
  }

  private ResilientRateLimiter limiter(RateLimitProperties.DegradedMode mode) {
    RateLimitProperties properties =
        new RateLimitProperties(
            true, mode, Duration.ofMillis(50), 4, Duration.ofSeconds(10), Map.of());
    RedisRateLimiterStore store = new RedisRateLimiterStore(connection);
    store.warmUp().block();
    return new ResilientRateLimiter(store, new LocalRateLimiterStore(), properties, meters);
  }

  @Test
  void withRedisKilledEveryRequestIsStillAnsweredQuicklyByTheLocalShareOfTheLimit()
      throws Exception {
    ResilientRateLimiter limiter = limiter(RateLimitProperties.DegradedMode.LOCAL_FALLBACK);
    awaitRedisDecisions(limiter);
    redis.stop();

    int admitted = 0;
    long slowestNanos = 0;
    for (int i = 0; i < 30; i++) {
      long start = System.nanoTime();
      RateLimitDecision decision = limiter.consume("c", LIMITS).block();
      slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
      assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
      admitted += decision.allowed() ? 1 : 0;
    }
    // 40 per minute over 4 replicas: this replica alone admits 10.
    assertThat(admitted).isEqualTo(10);
    assertThat(Duration.ofNanos(slowestNanos)).isLessThan(Duration.ofMillis(500));
    assertThat(limiter.degraded()).isTrue();
    assertThat(meters.get("sluice.ratelimit.degraded").gauge().value()).isEqualTo(1.0);
    assertThat(meters.get("sluice.ratelimit.redis.errors").counter().count()).isPositive();
  }

  @Test
  void withRedisHungRequestsAreAnsweredWithinTheTimeoutBudgetAndLimitsReturnToRedisAfter()
      throws Exception {
    ResilientRateLimiter limiter = limiter(RateLimitProperties.DegradedMode.LOCAL_FALLBACK);
    awaitRedisDecisions(limiter);
    CompletableFuture<String> sleep =
        CompletableFuture.supplyAsync(
            () -> RedisCommands.run(redis.endpoint(), "DEBUG", "SLEEP", "3"));
    Thread.sleep(100);

    long slowestNanos = 0;
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      RateLimitDecision decision = limiter.consume("c", LIMITS).block();
      slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
      assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
    }
    assertThat(Duration.ofNanos(slowestNanos)).isLessThan(Duration.ofMillis(500));
    sleep.get();

    awaitRedisDecisions(limiter);
    assertThat(limiter.degraded()).isFalse();
  }

  /** Polls until decisions come from Redis with the breaker closed; fails after 15 s. */
  private static void awaitRedisDecisions(ResilientRateLimiter limiter)
      throws InterruptedException {
    RateLimitDecision decision = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      decision = limiter.consume("probe", LIMITS).block();
      if (decision.source() == RateLimitDecision.Source.REDIS && !limiter.degraded()) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.REDIS);
    assertThat(limiter.degraded()).isFalse();
  }

  @Test
  void failOpenAdmitsEverythingWhileRedisIsDown() {
    ResilientRateLimiter limiter = limiter(RateLimitProperties.DegradedMode.FAIL_OPEN);
    redis.stop();
    for (int i = 0; i < 60; i++) {
      RateLimitDecision decision = limiter.consume("c", LIMITS).block();
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.FAIL_OPEN);
    }
  }

  @Test
  void failClosedRefusesEverythingWhileRedisIsDown() {
    ResilientRateLimiter limiter = limiter(RateLimitProperties.DegradedMode.FAIL_CLOSED);
    redis.stop();
    RateLimitDecision decision = limiter.consume("c", LIMITS).block();
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.FAIL_CLOSED);
    assertThat(decision.retryAfterSeconds()).isEqualTo(2);
  }
}
