package io.sluice.gateway.ratelimit;

import io.sluice.common.http.SluiceHeaders;
import org.springframework.http.HttpHeaders;

/**
 * Writes the rate limit headers: the IETF httpapi fields, one list member per bucket, and the
 * legacy {@code X-RateLimit-*} trio describing the bucket the client is closest to exhausting.
 * {@code X-RateLimit-Reset} is a delta in seconds, like {@code t} in the IETF fields. {@code
 * Retry-After} belongs to the refusal's problem ({@link RateLimitProblems}), not to these headers.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/">RateLimit
 *     header fields for HTTP</a>
 */
final class RateLimitHeaders {

  private RateLimitHeaders() {}

  static void write(HttpHeaders headers, RateLimitDecision decision) {
    if (decision.buckets().isEmpty()) {
      return;
    }
    StringBuilder policy = new StringBuilder();
    StringBuilder state = new StringBuilder();
    for (BucketState bucket : decision.buckets()) {
      String name = "\"" + bucket.spec().name() + "\"";
      separate(policy)
          .append(name)
          .append(";q=")
          .append(bucket.spec().burst())
          .append(";w=")
          .append(bucket.spec().windowSeconds());
      separate(state)
          .append(name)
          .append(";r=")
          .append(bucket.remaining())
          .append(";t=")
          .append(bucket.resetSeconds());
    }
    headers.set(SluiceHeaders.RATE_LIMIT_POLICY, policy.toString());
    headers.set(SluiceHeaders.RATE_LIMIT, state.toString());
    BucketState tightest = decision.tightest();
    headers.set(SluiceHeaders.X_RATE_LIMIT_LIMIT, Long.toString(tightest.spec().burst()));
    headers.set(SluiceHeaders.X_RATE_LIMIT_REMAINING, Long.toString(tightest.remaining()));
    headers.set(SluiceHeaders.X_RATE_LIMIT_RESET, Long.toString(tightest.resetSeconds()));
  }

  private static StringBuilder separate(StringBuilder builder) {
    return builder.isEmpty() ? builder : builder.append(", ");
  }
}
