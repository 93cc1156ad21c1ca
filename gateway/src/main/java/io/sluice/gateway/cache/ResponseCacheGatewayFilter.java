package io.sluice.gateway.cache;

import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The cache filter of one route. GET and HEAD are looked up ({@link CacheRead}); a write (POST,
 * PUT, PATCH, DELETE) is proxied and then invalidates what it may have changed before its response
 * reaches the client, so whoever wrote and then reads, through any replica, sees the write.
 */
final class ResponseCacheGatewayFilter implements GatewayFilter {

  private static final Set<HttpMethod> WRITES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final RouteCache route;

  ResponseCacheGatewayFilter(RouteCache route) {
    this.route = route;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    HttpMethod method = exchange.getRequest().getMethod();
    if (WRITES.contains(method)) {
      return write(exchange, chain);
    }
    if (!route.policy().enabled() || (method != HttpMethod.GET && method != HttpMethod.HEAD)) {
      return route.bypass(exchange, chain);
    }
    return new CacheRead(route, exchange, chain).run();
  }

  /**
   * Invalidation covers every outcome but a 4xx answer (which changed nothing): after a 5xx or a
   * timeout the backend may still have applied the write, and an extra miss costs little.
   */
  private Mono<Void> write(ServerWebExchange exchange, GatewayFilterChain chain) {
    route.metrics().bypass.increment();
    CachedResponseWriter.mark(exchange, CachedResponseWriter.BYPASS);
    return chain
        .filter(exchange)
        .then(
            Mono.defer(
                () -> {
                  CachedResponseWriter.mark(exchange, CachedResponseWriter.BYPASS);
                  HttpStatusCode status = exchange.getResponse().getStatusCode();
                  return status != null && status.is4xxClientError()
                      ? Mono.empty()
                      : invalidate(exchange);
                }))
        .onErrorResume(error -> invalidate(exchange).then(Mono.error(error)));
  }

  private Mono<Void> invalidate(ServerWebExchange exchange) {
    String location = exchange.getResponse().getHeaders().getFirst("Location");
    return route
        .manager()
        .invalidate(
            CacheKeyGenerator.invalidatedTags(
                route.routeId(),
                exchange.getRequest().getURI().getRawPath(),
                location,
                route.policy().resourceDepth()),
            route.policy(),
            route.metrics());
  }
}
