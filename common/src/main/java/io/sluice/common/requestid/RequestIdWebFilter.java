package io.sluice.common.requestid;

import io.sluice.common.http.SluiceHeaders;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when {@linkplain
 * RequestIds#isWellFormed well-formed}, otherwise a generated one. The id is echoed on the response
 * (including error responses, since the header is set before the chain runs) and stored as an
 * exchange attribute. A service's filter also rewrites the request to carry the id, so that
 * whatever reads its headers sees the same value, and puts it in the Reactor context (and so, with
 * context propagation, in the logging MDC). A proxy's filter ({@link #forProxy()}) does neither.
 */
public class RequestIdWebFilter implements WebFilter, Ordered {

  /** Runs before security and everything else so that even a rejected request has an id. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

  /** Whether the id also goes on the request and in the Reactor context (a service's filter). */
  private final boolean service;

  /** A service's filter: the id also on the request and in the Reactor context. */
  public RequestIdWebFilter() {
    this(true);
  }

  private RequestIdWebFilter(boolean service) {
    this.service = service;
  }

  /**
   * A proxy's filter: the id only in the attribute and on the response. The proxy sets the header
   * on the requests it sends (from {@link RequestIds#of}) and its log lines name the id themselves,
   * which spares every request a copy of all its headers and an operator around the rest of it.
   */
  public static RequestIdWebFilter forProxy() {
    return new RequestIdWebFilter(false);
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String offered = exchange.getRequest().getHeaders().getFirst(SluiceHeaders.REQUEST_ID);
    String id = RequestIds.isWellFormed(offered) ? offered : RequestIds.generate();
    exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
    exchange.getResponse().getHeaders().set(SluiceHeaders.REQUEST_ID, id);
    ServerWebExchange withId = exchange;
    if (service && !id.equals(offered)) {
      ServerHttpRequest request =
          exchange.getRequest().mutate().headers(h -> h.set(SluiceHeaders.REQUEST_ID, id)).build();
      withId = exchange.mutate().request(request).build();
    }
    Mono<Void> rest = chain.filter(withId);
    return service ? rest.contextWrite(context -> context.put(RequestIds.CONTEXT_KEY, id)) : rest;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Constant: Spring's filter chain names each filter's checkpoint with it on every request. */
  @Override
  public String toString() {
    return "RequestIdWebFilter";
  }
}
