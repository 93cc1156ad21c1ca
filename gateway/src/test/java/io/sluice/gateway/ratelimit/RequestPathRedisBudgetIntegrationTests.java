package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.system.RequestPathRedis;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The request path's Redis budget against a real Redis. */
class RequestPathRedisBudgetIntegrationTests {

  private static RequestPathRedis redis;
  private static RedisRateLimiterStore store;

  @BeforeAll
  static void connect() {
    redis = RedisFixtures.connect(TestRedis.freshEndpoint());
    store = new RedisRateLimiterStore(redis);
    store.warmUp().block();
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @Test
  void aCallRedisAnswersCompletesAsUsual() {
    List<LimitSpec> limits = List.of(LimitSpec.of("minute", 5, Duration.ofMinutes(1)));
    StepVerifier.create(
            store.bounded(store.consume("budget-client", limits), Duration.ofSeconds(2)))
        .assertNext(decision -> assertThat(decision.allowed()).isTrue())
        .verifyComplete();
  }

  @Test
  void aCallNothingAnswersTimesOutWhenRedisIsSilent() {
    // Mono.never() stands for a command a hung Redis never answers; no other call is running, so
    // Redis is silent and the budget is not extended beyond two budgets.
    long start = System.nanoTime();
    StepVerifier.create(redis.withinBudget(Mono.never(), Duration.ofMillis(50)))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    // Generous for a busy machine; the point is that it is far below Lettuce's 5 s timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }
}
