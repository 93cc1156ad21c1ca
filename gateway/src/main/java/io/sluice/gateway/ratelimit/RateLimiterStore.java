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

  /**
   * Takes up to {@code want} tokens from every bucket of {@code client} at once: as many as the
   * emptiest bucket holds whole, or none. A store that cannot hand out batches takes one.
   *
   * @param want how many tokens the caller would like, at least 1
   */
  default Mono<Grant> take(String client, List<LimitSpec> limits, long want) {
    return consume(client, limits).map(d -> new Grant(d.allowed() ? 1 : 0, d));
  }

  /**
   * Tokens taken from every bucket by one call.
   *
   * @param tokens how many were taken from each bucket; 0 when the request was denied
   * @param decision the decision for the request that asked, with each bucket's state after taking
   *     {@code tokens}
   */
  record Grant(long tokens, RateLimitDecision decision) {}

  /** {@code call} failing with a timeout once {@code budget} is spent. */
  default <T> Mono<T> bounded(Mono<T> call, Duration budget) {
    return call.timeout(budget);
  }
}
