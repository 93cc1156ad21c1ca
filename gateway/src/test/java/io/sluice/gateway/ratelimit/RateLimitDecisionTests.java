package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitDecisionTests {

  private static final LimitSpec SECOND = new LimitSpec("second", 10, Duration.ofSeconds(1), 20);
  private static final LimitSpec MINUTE = new LimitSpec("minute", 300, Duration.ofMinutes(1), 300);
  private static final LimitSpec DAY = new LimitSpec("day", 5000, Duration.ofDays(1), 5000);

  private static RateLimitDecision decision(BucketState... buckets) {
    return new RateLimitDecision(true, 0, List.of(buckets), RateLimitDecision.Source.REDIS);
  }

  @Test
  void theTightestBucketHasTheFewestTokensLeft() {
    BucketState minute = new BucketState(MINUTE, 4, 0);
    assertThat(
            decision(new BucketState(SECOND, 12, 0), minute, new BucketState(DAY, 4000, 0))
                .tightest())
        .isSameAs(minute);
  }

  @Test
  void onATieTheShorterWindowWinsThenTheFirstListed() {
    BucketState second = new BucketState(SECOND, 5, 0);
    BucketState minute = new BucketState(MINUTE, 5, 0);
    assertThat(decision(minute, second).tightest()).isSameAs(second);
    BucketState other = new BucketState(new LimitSpec("other", 1, Duration.ofSeconds(1), 9), 5, 0);
    assertThat(decision(second, other).tightest()).isSameAs(second);
  }

  @Test
  void noBucketsNoTightest() {
    assertThat(RateLimitDecision.failOpen().tightest()).isNull();
  }
}
