package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.gateway.system.RequestPathRedis;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas count each other through Redis, and the local fallback divides by the count they last
 * agreed on, not by the configured guess.
 */
class ReplicaCensusIntegrationTests {

  private static final List<LimitSpec> LIMITS =
      List.of(LimitSpec.of("minute", 40, Duration.ofMinutes(1)));

  private TestRedis.DedicatedRedis redis;
  private RequestPathRedis first;
  private RequestPathRedis second;

  @BeforeEach
  void startRedis() {
    redis = TestRedis.startDedicated();
    first = RedisFixtures.connect(redis.endpoint());
    second = RedisFixtures.connect(redis.endpoint());
  }

  @AfterEach
  void stopRedis() {
    first.close();
    second.close();
    redis.stop();
  }

  @Test
  void replicasCountEachOtherAndALeavingReplicaIsNoLongerCounted() {
    ReplicaCensus a = new ReplicaCensus(first, 3, new SimpleMeterRegistry());
    ReplicaCensus b = new ReplicaCensus(second, 3, new SimpleMeterRegistry());
    // Nothing heard from Redis yet: the configured count.
    assertThat(a.getAsInt()).isEqualTo(3);

    assertThat(a.announce().block(Duration.ofSeconds(10))).isEqualTo(1);
    assertThat(b.announce().block(Duration.ofSeconds(10))).isEqualTo(2);
    assertThat(a.announce().block(Duration.ofSeconds(10))).isEqualTo(2);
    assertThat(a.getAsInt()).isEqualTo(2);
    assertThat(b.getAsInt()).isEqualTo(2);

    b.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (a.announce().block(Duration.ofSeconds(10)) != 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(a.getAsInt()).isEqualTo(1);
  }

  @Test
  void withRedisGoneTheFallbackDividesByTheLastCountNotTheConfiguredOne() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // Configured for 4 replicas, but 2 are running.
    RateLimitProperties properties =
        new RateLimitProperties(
            true,
            RateLimitProperties.DegradedMode.LOCAL_FALLBACK,
            Duration.ofMillis(50),
            4,
            Duration.ofSeconds(10),
            Map.of());
    ReplicaCensus census = new ReplicaCensus(first, properties.replicas(), meters);
    new ReplicaCensus(second, properties.replicas(), new SimpleMeterRegistry())
        .announce()
        .block(Duration.ofSeconds(10));
    assertThat(census.announce().block(Duration.ofSeconds(10))).isEqualTo(2);
    ResilientRateLimiter limiter =
        new ResilientRateLimiter(
            new RedisRateLimiterStore(first),
            new LocalRateLimiterStore(),
            properties,
            meters,
            System::nanoTime,
            census);

    redis.stop();
    assertThatThrownBy(() -> census.announce().block(Duration.ofSeconds(10)))
        .isInstanceOf(RuntimeException.class);
    assertThat(census.getAsInt()).isEqualTo(2);
    assertThat(meters.get("sluice.ratelimit.replicas").gauge().value()).isEqualTo(2.0);

    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      RateLimitDecision decision = limiter.consume("c", LIMITS).block(Duration.ofSeconds(10));
      assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
      admitted += decision.allowed() ? 1 : 0;
    }
    // 40 per minute shared by the 2 replicas Redis last counted (the configured 4 would give 10).
    assertThat(admitted).isEqualTo(20);
  }
}
