package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalRateLimiterStoreTests {

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final LocalRateLimiterStore store = new LocalRateLimiterStore(clock::get);
  private final List<LimitSpec> tenPerSecondBurstTwenty =
      List.of(new LimitSpec("second", 10, Duration.ofSeconds(1), 20));

  @Test
  void aFullBucketAdmitsExactlyItsBurstThenRefillsAtTheRate() {
    assertThat(admitted("a", 50)).isEqualTo(20);
    clock.addAndGet(500_000);
    assertThat(admitted("a", 50)).isEqualTo(5);
  }

  @Test
  void aDeniedRequestSaysWhenTheNextTokenArrives() {
    admitted("a", 20);
    RateLimitDecision denied = store.consume("a", tenPerSecondBurstTwenty).block();
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.retryAfterMicros()).isEqualTo(100_000);
    assertThat(denied.retryAfterSeconds()).isEqualTo(1);
    assertThat(denied.buckets().get(0).remaining()).isZero();
    assertThat(denied.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
  }

  @Test
  void clientsHaveSeparateBuckets() {
    assertThat(admitted("a", 30)).isEqualTo(20);
    assertThat(admitted("b", 30)).isEqualTo(20);
  }

  @Test
  void aRequestIsAdmittedOnlyWhenEveryLimitHasATokenAndThenTakesFromAll() {
    List<LimitSpec> two =
        List.of(
            new LimitSpec("second", 5, Duration.ofSeconds(1), 5),
            LimitSpec.of("minute", 3, Duration.ofMinutes(1)));
    int admitted = 0;
    RateLimitDecision last = null;
    for (int i = 0; i < 10; i++) {
      last = store.consume("a", two).block();
      admitted += last.allowed() ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(3);
    assertThat(last.buckets()).extracting(BucketState::remaining).containsExactly(2L, 0L);
  }

  private int admitted(String client, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (store.consume(client, tenPerSecondBurstTwenty).block().allowed()) {
        admitted++;
      }
    }
    return admitted;
  }
}
