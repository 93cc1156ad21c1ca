package io.sluice.gateway.ratelimit;

/**
 * One bucket after a decision.
 *
 * @param spec the limit
 * @param remaining whole tokens left
 * @param resetMicros time until the bucket is full again
 */
public record BucketState(LimitSpec spec, long remaining, long resetMicros) {

  long resetSeconds() {
    return (resetMicros + 999_999) / 1_000_000;
  }
}
