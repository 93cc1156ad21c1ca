package io.sluice.gateway.ratelimit;

import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/** Where token buckets live: Redis for the global limit, memory for the fallback. */
interface RateLimiterStore {

  /**
   * Takes one token from every bucket of {@code client} if all have one, otherwise none.
   *
   * @param client who is limited; becomes the Redis hash tag, so keep it short and stable
   * @param limits the buckets, at least one
   */
  Mono<RateLimitDecision> consume(String client, List<LimitSpec> limits);

  /** {@code call} failing with a timeout once {@code budget} is spent. */
  default <T> Mono<T> bounded(Mono<T> call, Duration budget) {
    return call.timeout(budget);
  }
}
