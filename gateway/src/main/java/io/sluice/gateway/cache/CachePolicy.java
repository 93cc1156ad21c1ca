package io.sluice.gateway.cache;

import java.time.Duration;

/**
 * How one route caches, resolved once from {@link CacheProperties} when its filter is built.
 *
 * @param enabled whether the route caches at all
 * @param ttl freshness cap of stored responses
 * @param notFoundTtl freshness cap of stored 404 answers
 * @param staleIfError window past freshness in which an entry answers for a failing backend
 * @param staleWhileRevalidate window past freshness in which an entry is served while refreshed
 * @param maxBodyBytes largest body stored
 * @param resourceDepth path segments naming a collection
 */
public record CachePolicy(
    boolean enabled,
    Duration ttl,
    Duration notFoundTtl,
    Duration staleIfError,
    Duration staleWhileRevalidate,
    long maxBodyBytes,
    int resourceDepth) {

  /** Lifetime of generation counters: comfortably longer than any entry can live. */
  private static final Duration GENERATION_MARGIN = Duration.ofMinutes(10);

  public CachePolicy {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    if (notFoundTtl == null || notFoundTtl.isNegative()) {
      throw new IllegalArgumentException("not-found-ttl must not be negative");
    }
    if (staleIfError == null || staleIfError.isNegative()) {
      throw new IllegalArgumentException("stale-if-error must not be negative");
    }
    if (staleWhileRevalidate == null || staleWhileRevalidate.isNegative()) {
      throw new IllegalArgumentException("stale-while-revalidate must not be negative");
    }
    if (ttl.plus(staleIfError).plus(staleWhileRevalidate).compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(
          "ttl + stale-if-error + stale-while-revalidate must not exceed 7 days");
    }
    if (maxBodyBytes < 1 || maxBodyBytes > 64L * 1024 * 1024) {
      throw new IllegalArgumentException("max-body-size must be between 1 B and 64 MB");
    }
    if (resourceDepth < 1 || resourceDepth > 16) {
      throw new IllegalArgumentException("resource-depth must be between 1 and 16");
    }
  }

  /** How long past freshness an entry is kept at all. */
  public Duration staleWindow() {
    return staleIfError.compareTo(staleWhileRevalidate) >= 0 ? staleIfError : staleWhileRevalidate;
  }

  /**
   * How long a resource's generation counter lives after its last use: longer than any entry, so an
   * expired counter can never bring back entries of an earlier generation.
   */
  public Duration generationTtl() {
    return ttl.plus(staleWindow()).multipliedBy(2).plus(GENERATION_MARGIN);
  }
}
