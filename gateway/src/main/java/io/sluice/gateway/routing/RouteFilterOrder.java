package io.sluice.gateway.routing;

/**
 * Where each per-route filter sits in the gateway filter chain. Route filters and global filters
 * share one ordering: these values run after SCG's response writer (-1) and metrics filter (0) and
 * before its URL resolution (10000), load balancer (10150) and Netty routing filter (last), so
 * everything here happens once per client request and {@link #RESILIENCE} wraps every attempt.
 *
 * <p>Rate limiting, then the response cache, both before resilience so that a limited or cached
 * request never reaches a backend.
 */
public final class RouteFilterOrder {

  /** 405 for methods the route does not proxy. */
  public static final int ALLOWED_METHODS = 100;

  /**
   * Reserved. Edge authentication runs earlier, as a web filter for every {@code /api/**} request
   * ({@code ApiKeyAuthenticationWebFilter}), so that unknown paths are not revealed to anonymous
   * callers.
   */
  public static final int IDENTITY = 1000;

  /** Rate limiting by the caller's plan ({@code SluiceRateLimit}); counts cache hits too. */
  public static final int RATE_LIMIT = 2000;

  /**
   * Shared response cache ({@code SluiceCache}) on the users route: after rate limiting, so cache
   * hits count against the caller's limits, and outside resilience, so a failing backend can be
   * answered from a stale copy.
   */
  public static final int CACHE = 3000;

  /** Deadline, circuit breaker and retries around the load-balanced upstream call. */
  public static final int RESILIENCE = 5000;

  private RouteFilterOrder() {}
}
