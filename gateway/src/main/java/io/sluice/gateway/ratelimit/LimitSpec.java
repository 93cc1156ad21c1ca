package io.sluice.gateway.ratelimit;

import java.time.Duration;

/**
 * One token bucket: {@code limit} tokens per {@code window}, holding at most {@code burst}. A plan
 * combines several, e.g. a per-second bucket with burst and a per-day quota.
 *
 * @param name short identifier, used in Redis keys and in the {@code RateLimit-Policy} header
 * @param limit tokens added per window (the sustained rate)
 * @param window the window the limit refers to
 * @param burst bucket capacity: how many requests may arrive at once; at least {@code limit}
 */
public record LimitSpec(String name, long limit, Duration window, long burst) {

  public LimitSpec {
    if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException(
          "limit name '" + name + "' must be 1-32 lower-case letters, digits, '-' or '_'");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit '" + name + "': limit must be at least 1");
    }
    if (window == null || window.toMillis() < 1) {
      throw new IllegalArgumentException("limit '" + name + "': window must be at least 1ms");
    }
    if (burst < limit) {
      throw new IllegalArgumentException(
          "limit '"
              + name
              + "': burst ("
              + burst
              + ") must be at least limit ("
              + limit
              + "), or the bucket could never hold one window's worth of tokens");
    }
  }

  /** A limit whose burst equals its limit. */
  public static LimitSpec of(String name, long limit, Duration window) {
    return new LimitSpec(name, limit, window, limit);
  }

  /** This limit shared out between {@code replicas} gateways, for a replica's local fallback. */
  LimitSpec perReplica(int replicas) {
    long share = Math.max(1, limit / replicas);
    return new LimitSpec(name, share, window, Math.max(share, burst / replicas));
  }

  long windowSeconds() {
    return Math.max(1, (window.toMillis() + 999) / 1000);
  }
}
