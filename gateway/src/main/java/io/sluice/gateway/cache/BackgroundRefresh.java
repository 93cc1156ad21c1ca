package io.sluice.gateway.cache;

import io.sluice.gateway.cache.CacheKeyGenerator.RequestKey;
import io.sluice.gateway.cache.ResponseCacheManager.Found;
import io.sluice.gateway.security.ClientIdentity;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * stale-while-revalidate's refresh (RFC 5861 3): after a client got the stale copy, the replica
 * that wins the entry's lease sends the same request through the rest of the route on a {@link
 * DetachedExchange}, conditionally when the copy has an {@code ETag}, and stores the answer.
 */
final class BackgroundRefresh {

  private final RouteCache route;
  private final ServerWebExchange exchange;
  private final GatewayFilterChain chain;
  private final RequestKey key;
  private final Found found;
  private final CachedResponse entry;
  private final String owner;
  private boolean stored;

  BackgroundRefresh(
      RouteCache route,
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      RequestKey key,
      Found found,
      CachedResponse entry) {
    this.route = route;
    this.exchange = exchange;
    this.chain = chain;
    this.key = key;
    this.found = found;
    this.entry = entry;
    this.owner = route.manager().newLeaseOwner();
  }

  void start() {
    String etag = entry.header(HttpHeaders.ETAG);
    DetachedExchange detached =
        new DetachedExchange(
            exchange,
            exchange
                .getRequest()
                .mutate()
                .headers(
                    h -> {
                      h.remove(HttpHeaders.IF_MODIFIED_SINCE);
                      h.remove(HttpHeaders.IF_NONE_MATCH);
                      if (etag != null) {
                        h.set(HttpHeaders.IF_NONE_MATCH, etag);
                      }
                    })
                .build());
    route
        .manager()
        .tryLease(key, found.generation(), found.variant(), owner, route.metrics())
        .filter(Boolean::booleanValue)
        .flatMap(
            leased ->
                chain
                    .filter(detached)
                    .then(Mono.defer(() -> afterUpstream(detached, etag)))
                    .doFinally(signal -> releaseUnlessStored()))
        .onErrorResume(error -> Mono.empty())
        .subscribe();
  }

  private Mono<Void> afterUpstream(DetachedExchange detached, String etag) {
    if (!UpstreamResponses.routed(detached)) {
      return Mono.empty();
    }
    HttpStatusCode code = detached.getResponse().getStatusCode();
    int status = code == null ? 200 : code.value();
    if (status == 304 && etag != null) {
      UpstreamResponses.discard(detached, true);
      store(entry.refreshed(route.manager().now()), found.partitioning(), found.variant());
      return Mono.empty();
    }
    HttpHeaders headers = UpstreamResponses.headers(detached);
    HttpMethod method = detached.getRequest().getMethod();
    StorageRules.Storable storable = StorageRules.decide(method, status, headers, route.policy());
    if (storable == null) {
      UpstreamResponses.discard(detached, false);
      return Mono.empty();
    }
    ClientIdentity identity = ClientIdentity.of(detached);
    String variant =
        CacheKeyGenerator.variant(
            storable.partitioning(), detached.getRequest().getHeaders(), identity);
    long receivedAt = route.manager().now();
    return UpstreamResponses.read(detached, route.policy().maxBodyBytes())
        .doOnNext(
            body ->
                store(
                    route.entry(
                        status,
                        StorageRules.storedHeaders(headers, method == HttpMethod.HEAD),
                        body,
                        receivedAt,
                        storable),
                    storable.partitioning(),
                    variant))
        .then();
  }

  private void store(CachedResponse refreshed, Partitioning partitioning, String variant) {
    stored = true;
    route
        .manager()
        .store(
            key,
            found,
            variant,
            partitioning == null ? Partitioning.NONE : partitioning,
            refreshed,
            route.policy(),
            owner,
            route.metrics());
  }

  private void releaseUnlessStored() {
    if (!stored) {
      route.manager().release(key, found, owner, route.metrics());
    }
  }
}
