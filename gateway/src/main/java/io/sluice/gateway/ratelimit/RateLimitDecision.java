package io.sluice.gateway.ratelimit;

import java.util.List;

/**
 * The outcome of one request against all of a client's buckets.
 *
 * @param allowed whether every bucket had a token
 * @param retryAfterMicros when denied, time until every bucket holds a token again
 * @param buckets the state of each bucket, empty when no limit could be evaluated (fail-open)
 * @param source where the decision was made
 */
public record RateLimitDecision(
    boolean allowed, long retryAfterMicros, List<BucketState> buckets, Source source) {

  /** Where a decision was made. */
  public enum Source {
    REDIS,
    /** From tokens this replica took from Redis in a batch ({@link RateLimitLeases}). */
    LEASE,
    LOCAL,
    FAIL_OPEN,
    FAIL_CLOSED
  }

  static RateLimitDecision failOpen() {
    return new RateLimitDecision(true, 0, List.of(), Source.FAIL_OPEN);
  }

  /** The bucket a client is closest to exhausting: the one the legacy headers describe. */
  BucketState tightest() {
    // Fewest remaining, then the shortest window; a loop, as every admitted request asks.
    BucketState tightest = null;
    for (BucketState bucket : buckets) {
      if (tightest == null
          || bucket.remaining() < tightest.remaining()
          || (bucket.remaining() == tightest.remaining()
              && bucket.spec().window().compareTo(tightest.spec().window()) < 0)) {
        tightest = bucket;
      }
    }
    return tightest;
  }

  long retryAfterSeconds() {
    return Math.max(1, (retryAfterMicros + 999_999) / 1_000_000);
  }
}
