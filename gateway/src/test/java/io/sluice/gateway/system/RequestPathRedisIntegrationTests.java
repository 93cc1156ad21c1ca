package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.resource.ClientResources;
import io.sluice.testsupport.RedisCommands;
import io.sluice.testsupport.TestRedis;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request path's connection runs Lettuce's command timeouts on a timer of its own: commands
 * still time out, and closing the connection stops the timer's thread.
 */
class RequestPathRedisIntegrationTests {

  private static final ClientResources RESOURCES = ClientResources.create();

  private static final Duration BUDGET = Duration.ofSeconds(60);

  @AfterAll
  static void shutDown() {
    RESOURCES.shutdown();
  }

  @Test
  void aHungRedisFailsACommandAtTheCommandTimeoutAndClosingStopsTheTimer() throws Exception {
    TestRedis.DedicatedRedis redis = TestRedis.startDedicated();
    try {
      Set<Thread> before = timerThreads();
      RequestPathRedis connection =
          new RequestPathRedis(
              new RedisProperties(redis.endpoint().uri(), Duration.ofMillis(300)), RESOURCES);
      assertThat(connection.commands().flatMap(c -> c.ping()).block(Duration.ofSeconds(10)))
          .isEqualTo("PONG");
      Set<Thread> ours = timerThreads();
      ours.removeAll(before);
      assertThat(ours).hasSize(1);

      CompletableFuture<String> sleep =
          CompletableFuture.supplyAsync(
              () -> RedisCommands.run(redis.endpoint(), "DEBUG", "SLEEP", "2"));
      Thread.sleep(200);
      // Redis answers nothing for 2 s: only the command timeout (300 ms) can end the call.
      assertThatThrownBy(
              () -> connection.commands().flatMap(c -> c.get("k")).block(Duration.ofSeconds(10)))
          .isInstanceOf(RedisCommandTimeoutException.class);
      sleep.get();

      connection.close();
      Thread timer = ours.iterator().next();
      timer.join(10_000);
      assertThat(timer.isAlive()).isFalse();
    } finally {
      redis.stop();
    }
  }

  @Test
  void aBudgetEndsASilentCallAndAnsweredCallsLeaveNothingOnTheTimer() throws Exception {
    RequestPathRedis connection =
        new RequestPathRedis(
            new RedisProperties(TestRedis.server().uri(), Duration.ofSeconds(2)), RESOURCES);
    try {
      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  connection
                      .withinBudget(Mono.never(), Duration.ofMillis(50))
                      .block(Duration.ofSeconds(10)))
          .hasCauseInstanceOf(TimeoutException.class);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // One budget; up to four while Redis answers others: it answered nothing here.
      assertThat(tookMillis).isBetween(50L, 5_000L);

      Flux.range(0, 500)
          .flatMap(
              i -> connection.withinBudget(connection.commands().flatMap(c -> c.ping()), BUDGET),
              32)
          .blockLast(Duration.ofSeconds(30));
      // Every answered call cancelled its budget: the timer drops them at its next ticks.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (connection.pendingTimeouts() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(connection.pendingTimeouts()).isZero();
    } finally {
      connection.close();
    }
  }

  private static Set<Thread> timerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("request-path-redis-timer"))
        .collect(Collectors.toSet());
  }
}
