package io.sluice.gateway.cache;

import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import io.sluice.gateway.cache.ResponseCacheManager.Fetched;
import io.sluice.gateway.cache.ResponseCacheManager.Flight;
import io.sluice.gateway.cache.ResponseCacheManager.Found;
import io.sluice.gateway.security.ClientIdentity;
import java.util.List;
import java.util.Optional;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * One GET or HEAD through a cache-enabled route: look it up, then answer from the cache (HIT),
 * serve a stale copy and refresh it in the background (STALE), or fetch it from the backend once
 * for everyone waiting (MISS), revalidating a stored copy with its {@code ETag} where there is one
 * and falling back to it when the backend fails (STALE). Redis trouble makes it a plain proxied
 * request (BYPASS).
 */
final class CacheRead {

  private final RouteCache route;
  private final ServerWebExchange exchange;
  private final GatewayFilterChain chain;
  private final ServerHttpRequest request;
  private final ClientIdentity identity;
  private RequestKey key;
  private Found found;
  private Flight flight;
  private CachedResponse fallback;
  private CachedResponse validator;
  private String leaseOwner;
  private boolean stored;

  CacheRead(RouteCache route, ServerWebExchange exchange, GatewayFilterChain chain) {
    this.route = route;
    this.exchange = exchange;
    this.chain = chain;
    this.request = exchange.getRequest();
    this.identity = ClientIdentity.of(exchange);
  }

  Mono<Void> run() {
    HttpHeaders headers = request.getHeaders();
    CacheDirectives directives = CacheDirectives.of(headers);
    if (directives.has("no-store")) {
      return route.bypass(exchange, chain);
    }
    boolean revalidate =
        directives.has("no-cache")
            || directives.seconds("max-age") == 0
            || (!headers.containsHeader(HttpHeaders.CACHE_CONTROL)
                && headers.getOrEmpty(HttpHeaders.PRAGMA).contains("no-cache"));
    key = CacheKeyGenerator.requestKey(route.routeId(), request, route.policy().resourceDepth());
    long maxAge = directives.seconds("max-age");
    if (!revalidate) {
      CachedResponse near = route.manager().nearHit(key, headers, identity);
      if (near != null && (maxAge < 0 || near.ageSeconds(route.manager().now()) <= maxAge)) {
        route.metrics().nearHits.increment();
        return serve(near, CachedResponseWriter.HIT);
      }
    }
    return route
        .manager()
        .find(key, headers, identity, route.metrics())
        .map(Optional::of)
        .onErrorReturn(Optional.empty())
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            lookup ->
                lookup.isPresent()
                    ? decide(lookup.get(), revalidate, maxAge)
                    : route.bypass(exchange, chain));
  }

  /**
   * {@code maxAge} is the request's {@code max-age} (-1 when absent): an older entry is revalidated
   * (RFC 9111 5.2.1.1).
   */
  private Mono<Void> decide(Found lookup, boolean revalidate, long maxAge) {
    found = lookup;
    long now = route.manager().now();
    CachedResponse entry = found.entry();
    boolean tooOld = entry != null && maxAge >= 0 && entry.ageSeconds(now) > maxAge;
    if (entry != null && !revalidate && !tooOld) {
      if (entry.isFresh(now)) {
        return serve(entry, CachedResponseWriter.HIT);
      }
      if (entry.mayServeWhileRevalidating(now)) {
        return serve(entry, CachedResponseWriter.STALE)
            .doOnSuccess(done -> refreshInBackground(entry));
      }
    }
    fallback = entry != null && entry.mayServeOnError(now) ? entry : null;
    validator = entry != null && entry.header(HttpHeaders.ETAG) != null ? entry : null;
    return fetchOnce();
  }

  /** Single flight: in this replica through the manager's flights, across replicas by lease. */
  private Mono<Void> fetchOnce() {
    flight =
        route.manager().flight(key.tag() + found.generation() + key.request() + found.variant());
    if (!flight.leader()) {
      Flight joined = flight;
      flight = null;
      return joined
          .await()
          .flatMap(
              fetched ->
                  fetched.isPresent() && fetched.get().answers(request.getHeaders(), identity)
                      ? coalesced(fetched.get().entry())
                      : forward());
    }
    String owner = route.manager().newLeaseOwner();
    return route
        .manager()
        .acquireLease(key, found.generation(), found.variant(), owner, route.metrics())
        .flatMap(
            leased -> {
              if (leased) {
                leaseOwner = owner;
                return found.entry() == null ? forwardUnlessStoredMeanwhile() : forward();
              }
              return route
                  .manager()
                  .awaitOtherReplica(
                      key, found, request.getHeaders(), identity, owner, route.metrics())
                  .flatMap(
                      wait -> {
                        if (wait.entry() != null) {
                          Partitioning partitioning =
                              found.partitioning() == null
                                  ? Partitioning.NONE
                                  : found.partitioning();
                          flight.complete(
                              Optional.of(
                                  new Fetched(wait.entry(), partitioning, found.variant())));
                          return coalesced(wait.entry());
                        }
                        leaseOwner = wait.leased() ? owner : null;
                        return forward();
                      });
            })
        .doFinally(signal -> finish());
  }

  /**
   * Another replica may have stored the missing entry (and handed its lease back) between this
   * request's lookup and its lease: one more lookup then saves a backend trip.
   */
  private Mono<Void> forwardUnlessStoredMeanwhile() {
    return route
        .manager()
        .find(key, request.getHeaders(), identity, route.metrics())
        .map(Optional::of)
        .onErrorReturn(Optional.empty())
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            again -> {
              CachedResponse entry = again.map(Found::entry).orElse(null);
              if (entry != null && entry.isFresh(route.manager().now())) {
                // Not stored here: finish() hands the lease back.
                Partitioning partitioning = again.get().partitioning();
                flight.complete(
                    Optional.of(
                        new Fetched(
                            entry,
                            partitioning == null ? Partitioning.NONE : partitioning,
                            again.get().variant())));
                return coalesced(entry);
              }
              return forward();
            });
  }

  private Mono<Void> coalesced(CachedResponse entry) {
    route.metrics().coalesced.increment();
    return serve(entry, CachedResponseWriter.HIT);
  }

  /** The backend trip: conditional when a stored copy has an ETag. */
  private Mono<Void> forward() {
    ServerWebExchange upstream = exchange;
    if (validator != null) {
      String etag = validator.header(HttpHeaders.ETAG);
      upstream =
          exchange
              .mutate()
              .request(
                  request
                      .mutate()
                      .headers(
                          h -> {
                            h.set(HttpHeaders.IF_NONE_MATCH, etag);
                            h.remove(HttpHeaders.IF_MODIFIED_SINCE);
                          })
                      .build())
              .build();
    }
    CachedResponseWriter.mark(exchange, CachedResponseWriter.MISS);
    ServerWebExchange routed = upstream;
    return chain
        .filter(routed)
        .then(Mono.defer(() -> afterUpstream(routed)))
        .onErrorResume(this::staleOnError);
  }

  private Mono<Void> afterUpstream(ServerWebExchange routed) {
    if (!UpstreamResponses.routed(routed)) {
      route.metrics().misses.increment();
      return Mono.empty();
    }
    HttpStatusCode code = exchange.getResponse().getStatusCode();
    int status = code == null ? 200 : code.value();
    if (status == 304 && validator != null) {
      UpstreamResponses.discard(routed, true);
      CachedResponse refreshed = validator.refreshed(route.manager().now());
      store(refreshed, found.partitioning(), found.variant());
      return serve(refreshed, CachedResponseWriter.HIT);
    }
    if (status >= 500 && fallback != null) {
      UpstreamResponses.discard(routed, false);
      route.metrics().stale.increment();
      return serve(fallback, CachedResponseWriter.STALE, false);
    }
    route.metrics().misses.increment();
    CachedResponseWriter.mark(exchange, CachedResponseWriter.MISS);
    HttpHeaders upstreamHeaders = UpstreamResponses.headers(routed);
    HttpMethod method = request.getMethod();
    StorageRules.Storable storable =
        StorageRules.decide(method, status, upstreamHeaders, route.policy());
    if (storable == null) {
      return Mono.empty();
    }
    Partitioning partitioning = storable.partitioning();
    String variant = CacheKeyGenerator.variant(partitioning, request.getHeaders(), identity);
    List<CachedResponse.Header> headers =
        StorageRules.storedHeaders(upstreamHeaders, method == HttpMethod.HEAD);
    long receivedAt = route.manager().now();
    return UpstreamResponses.writeKeepingCopy(
        routed,
        route.policy().maxBodyBytes(),
        body ->
            store(route.entry(status, headers, body, receivedAt, storable), partitioning, variant));
  }

  private void store(CachedResponse entry, Partitioning partitioning, String variant) {
    Partitioning known = partitioning == null ? Partitioning.NONE : partitioning;
    stored = true;
    route
        .manager()
        .store(key, found, variant, known, entry, route.policy(), leaseOwner, route.metrics());
    if (flight != null) {
      flight.complete(Optional.of(new Fetched(entry, known, variant)));
    }
  }

  /** stale-if-error: a failing backend (5xx, timeout, open circuit, refused) gets the old copy. */
  private Mono<Void> staleOnError(Throwable error) {
    boolean serverFailure =
        !(error instanceof ResponseStatusException status)
            || status.getStatusCode().is5xxServerError();
    if (fallback == null || !serverFailure || exchange.getResponse().isCommitted()) {
      return Mono.error(error);
    }
    UpstreamResponses.discard(exchange, false);
    route.metrics().stale.increment();
    return serve(fallback, CachedResponseWriter.STALE, false);
  }

  private Mono<Void> serve(CachedResponse entry, String result) {
    return serve(entry, result, true);
  }

  private Mono<Void> serve(CachedResponse entry, String result, boolean count) {
    if (count) {
      (result.equals(CachedResponseWriter.HIT) ? route.metrics().hits : route.metrics().stale)
          .increment();
    }
    return CachedResponseWriter.serve(exchange, entry, result, route.manager().now());
  }

  /** Hands the lease back when nothing was stored and lets waiting requests go their own way. */
  private void finish() {
    if (!stored && leaseOwner != null) {
      route.manager().release(key, found, leaseOwner, route.metrics());
    }
    if (flight != null) {
      flight.complete(Optional.empty());
    }
  }

  /** stale-while-revalidate: one replica (whoever gets the lease) refreshes the entry. */
  private void refreshInBackground(CachedResponse entry) {
    new BackgroundRefresh(route, exchange, chain, key, found, entry).start();
  }
}
