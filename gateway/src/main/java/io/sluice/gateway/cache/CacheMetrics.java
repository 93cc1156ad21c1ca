package io.sluice.gateway.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The cache's meters for one route, all tagged {@code route}: {@code sluice.cache.requests} by
 * {@code result} (hit, miss, stale, bypass), {@code sluice.cache.coalesced} (requests answered by
 * another request's fetch, in this replica or another), {@code sluice.cache.stores}, {@code
 * sluice.cache.stored.bytes}, {@code sluice.cache.near.hits} (hits answered from memory, also
 * counted as hits), {@code sluice.cache.invalidations} (resources moved to a new generation; their
 * entries are evicted by TTL), {@code sluice.cache.near.unconfirmed} (invalidations whose write
 * waited out the near-cache TTL because a replica did not confirm), {@code
 * sluice.cache.redis.errors}.
 */
final class CacheMetrics {

  final Counter hits;
  final Counter nearHits;
  final Counter misses;
  final Counter stale;
  final Counter bypass;
  final Counter coalesced;
  final Counter stores;
  final Counter storedBytes;
  final Counter invalidations;
  final Counter unconfirmed;
  final Counter redisErrors;

  CacheMetrics(MeterRegistry meters, String routeId) {
    hits = result(meters, routeId, "hit");
    nearHits =
        Counter.builder("sluice.cache.near.hits")
            .description("Hits answered from the replica's memory (near cache) without Redis")
            .tag("route", routeId)
            .register(meters);
    misses = result(meters, routeId, "miss");
    stale = result(meters, routeId, "stale");
    bypass = result(meters, routeId, "bypass");
    coalesced =
        Counter.builder("sluice.cache.coalesced")
            .description("Requests answered by another request's backend fetch")
            .tag("route", routeId)
            .register(meters);
    stores =
        Counter.builder("sluice.cache.stores")
            .description("Responses stored in the shared cache")
            .tag("route", routeId)
            .register(meters);
    storedBytes =
        Counter.builder("sluice.cache.stored.bytes")
            .description("Bytes of responses stored in the shared cache")
            .baseUnit("bytes")
            .tag("route", routeId)
            .register(meters);
    invalidations =
        Counter.builder("sluice.cache.invalidations")
            .description("Resources whose cached entries a write invalidated")
            .tag("route", routeId)
            .register(meters);
    unconfirmed =
        Counter.builder("sluice.cache.near.unconfirmed")
            .description(
                "Invalidations whose write waited out the near-cache TTL: a replica did not confirm")
            .tag("route", routeId)
            .register(meters);
    redisErrors =
        Counter.builder("sluice.cache.redis.errors")
            .description("Cache operations Redis failed or did not answer in time")
            .tag("route", routeId)
            .register(meters);
  }

  private static Counter result(MeterRegistry meters, String routeId, String result) {
    return Counter.builder("sluice.cache.requests")
        .description("Requests of cache-enabled routes by X-Cache result")
        .tag("route", routeId)
        .tag("result", result)
        .register(meters);
  }
}
