package io.sluice.gateway.cache;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The shared response cache, under {@code sluice.cache}. The top-level freshness settings apply to
 * every route with the {@code SluiceCache} filter; {@code routes.<id>.*} overrides them for one
 * route. Impossible values stop the gateway at startup with a message naming the property.
 *
 * @param enabled whether cache-enabled routes use the cache at all ({@code false}: every response
 *     is {@code X-Cache: BYPASS})
 * @param redisTimeout how long a lookup or store may wait for Redis before the request bypasses the
 *     cache; tens of milliseconds, so a hung Redis never stalls traffic
 * @param writeTimeout how long storing an entry, or invalidating what a write changed, may wait for
 *     Redis (a write's response waits for its invalidation)
 * @param leaseTtl how long one replica may hold the right to fetch a missing entry while the others
 *     wait for it (cross-replica single flight); waiters fetch themselves once it expires
 * @param leasePollInterval how often a waiting replica looks for the entry another one is fetching
 * @param degradedLogInterval at most one log line per interval while Redis fails
 * @param ttl how long a response stays fresh, capped by the backend's {@code s-maxage}/{@code
 *     max-age}
 * @param notFoundTtl freshness of 404 answers, capped by {@code ttl}
 * @param staleIfError how long past freshness an entry may still answer when the backend fails (RFC
 *     5861 {@code stale-if-error})
 * @param staleWhileRevalidate how long past freshness an entry is served at once while one replica
 *     refreshes it in the background (RFC 5861 {@code stale-while-revalidate}); 0 turns it off
 * @param maxBodySize largest body stored; larger responses stream through uncached
 * @param resourceDepth path segments naming a collection ({@code /api/users} is 2): a write to a
 *     collection or to an item under it invalidates the collection's reads (lists, filters) and
 *     that item's
 * @param routes per-route overrides of the freshness settings above, by route id
 * @param nearCache the optional in-process layer in front of Redis
 */
@ConfigurationProperties("sluice.cache")
public record CacheProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("50ms") Duration redisTimeout,
    @DefaultValue("250ms") Duration writeTimeout,
    @DefaultValue("5s") Duration leaseTtl,
    @DefaultValue("20ms") Duration leasePollInterval,
    @DefaultValue("10s") Duration degradedLogInterval,
    @DefaultValue("30s") Duration ttl,
    @DefaultValue("5s") Duration notFoundTtl,
    @DefaultValue("5m") Duration staleIfError,
    @DefaultValue("10s") Duration staleWhileRevalidate,
    @DefaultValue("1MB") DataSize maxBodySize,
    @DefaultValue("2") int resourceDepth,
    @DefaultValue Map<String, RouteOverrides> routes,
    @DefaultValue NearCache nearCache) {

  public CacheProperties {
    routes = Map.copyOf(routes);
    requirePositive("sluice.cache.redis-timeout", redisTimeout);
    requirePositive("sluice.cache.write-timeout", writeTimeout);
    requirePositive("sluice.cache.lease-ttl", leaseTtl);
    requirePositive("sluice.cache.lease-poll-interval", leasePollInterval);
    requirePositive("sluice.cache.degraded-log-interval", degradedLogInterval);
    if (leasePollInterval.compareTo(leaseTtl) >= 0) {
      throw new IllegalArgumentException(
          "sluice.cache.lease-poll-interval ("
              + leasePollInterval
              + ") must be shorter than sluice.cache.lease-ttl ("
              + leaseTtl
              + "): a waiting replica would never look for the entry before the lease expires");
    }
    // Fail at startup, naming the property, rather than when a route's filter is built.
    CachePolicy defaults =
        policy(
            "sluice.cache.",
            enabled,
            ttl,
            notFoundTtl,
            staleIfError,
            staleWhileRevalidate,
            maxBodySize,
            resourceDepth);
    routes.forEach((id, overrides) -> merge(defaults, id, overrides));
  }

  /** The validated freshness policy of {@code routeId} (defaults merged with its overrides). */
  public CachePolicy policyOf(String routeId) {
    CachePolicy defaults =
        policy(
            "sluice.cache.",
            enabled,
            ttl,
            notFoundTtl,
            staleIfError,
            staleWhileRevalidate,
            maxBodySize,
            resourceDepth);
    RouteOverrides overrides = routeId == null ? null : routes.get(routeId);
    return overrides == null ? defaults : merge(defaults, routeId, overrides);
  }

  private static CachePolicy merge(CachePolicy defaults, String routeId, RouteOverrides o) {
    return policy(
        "sluice.cache.routes." + routeId + ".",
        o.enabled() == null ? defaults.enabled() : o.enabled() && defaults.enabled(),
        pick(o.ttl(), defaults.ttl()),
        pick(o.notFoundTtl(), defaults.notFoundTtl()),
        pick(o.staleIfError(), defaults.staleIfError()),
        pick(o.staleWhileRevalidate(), defaults.staleWhileRevalidate()),
        pick(o.maxBodySize(), DataSize.ofBytes(defaults.maxBodyBytes())),
        pick(o.resourceDepth(), defaults.resourceDepth()));
  }

  private static CachePolicy policy(
      String prefix,
      boolean enabled,
      Duration ttl,
      Duration notFoundTtl,
      Duration staleIfError,
      Duration staleWhileRevalidate,
      DataSize maxBodySize,
      int resourceDepth) {
    try {
      return new CachePolicy(
          enabled,
          ttl,
          notFoundTtl,
          staleIfError,
          staleWhileRevalidate,
          maxBodySize.toBytes(),
          resourceDepth);
    } catch (IllegalArgumentException e) {
      // The inner message only lacks the property prefix; the cause would add nothing.
      throw new IllegalArgumentException(prefix + e.getMessage());
    }
  }

  private static <T> T pick(T override, T fallback) {
    return override != null ? override : fallback;
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /**
   * Settings of one route; each unset one takes the top-level value.
   *
   * @param enabled whether this route caches (only when the cache is enabled at all)
   * @param ttl see {@link CacheProperties#ttl()}
   * @param notFoundTtl see {@link CacheProperties#notFoundTtl()}
   * @param staleIfError see {@link CacheProperties#staleIfError()}
   * @param staleWhileRevalidate see {@link CacheProperties#staleWhileRevalidate()}
   * @param maxBodySize see {@link CacheProperties#maxBodySize()}
   * @param resourceDepth see {@link CacheProperties#resourceDepth()}
   */
  public record RouteOverrides(
      Boolean enabled,
      Duration ttl,
      Duration notFoundTtl,
      Duration staleIfError,
      Duration staleWhileRevalidate,
      DataSize maxBodySize,
      Integer resourceDepth) {}

  /**
   * A small in-process layer in front of Redis: fresh entries a replica has seen are answered from
   * its memory, and every replica drops them when any replica publishes an invalidation. A write's
   * response waits until every replica that heard the invalidation confirmed it, so the cache's
   * write-then-read guarantee holds with it on; a replica that does not confirm costs that write at
   * most {@code ttl}.
   *
   * @param enabled whether replicas keep entries in memory
   * @param ttl how long a replica trusts what it learnt from Redis without asking again; also the
   *     longest a write waits for a replica's confirmation (1 ms to 10 s)
   * @param maxEntries how many entries a replica keeps
   * @param maxBytes how many body bytes a replica keeps, all entries together (bodies may be up to
   *     {@code max-body-size} each, so the entry count alone does not bound the heap)
   */
  public record NearCache(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("1s") Duration ttl,
      // Small enough for the gateway image's 80 MiB heap next to everything else it holds.
      @DefaultValue("2000") int maxEntries,
      @DefaultValue("4MB") DataSize maxBytes) {

    public NearCache {
      // Also the longest a write may wait for a replica's confirmation.
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException(
            "sluice.cache.near-cache.ttl must be positive and at most 10s");
      }
      if (maxEntries < 1) {
        throw new IllegalArgumentException("sluice.cache.near-cache.max-entries must be positive");
      }
      if (maxBytes.toBytes() < 1) {
        throw new IllegalArgumentException("sluice.cache.near-cache.max-bytes must be positive");
      }
    }
  }
}
