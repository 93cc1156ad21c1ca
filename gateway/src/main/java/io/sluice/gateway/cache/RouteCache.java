package io.sluice.gateway.cache;

import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Everything a cache-enabled route resolved once, when its filter was built.
 *
 * @param routeId the route
 * @param policy its freshness policy
 * @param manager the shared cache
 * @param metrics its meters
 */
record RouteCache(
    String routeId, CachePolicy policy, ResponseCacheManager manager, CacheMetrics metrics) {

  /** The request goes to the backend as if there were no cache. */
  Mono<Void> bypass(ServerWebExchange exchange, GatewayFilterChain chain) {
    metrics.bypass.increment();
    CachedResponseWriter.mark(exchange, CachedResponseWriter.BYPASS);
    // Again after routing: the backend's headers are added to the response, its X-Cache included.
    return chain
        .filter(exchange)
        .then(
            Mono.fromRunnable(
                () -> CachedResponseWriter.mark(exchange, CachedResponseWriter.BYPASS)));
  }

  /** A response received at {@code receivedAt}, with this route's freshness and stale windows. */
  CachedResponse entry(
      int status,
      List<CachedResponse.Header> headers,
      byte[] body,
      long receivedAt,
      StorageRules.Storable storable) {
    long freshUntil = receivedAt + storable.freshness().toMillis();
    long revalidateUntil =
        storable.staleAllowed()
            ? freshUntil + policy.staleWhileRevalidate().toMillis()
            : freshUntil;
    long staleUntil =
        storable.staleAllowed() ? freshUntil + policy.staleIfError().toMillis() : freshUntil;
    return new CachedResponse(
        status, headers, body, receivedAt, freshUntil, revalidateUntil, staleUntil);
  }
}
