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
 * (including error responses, since the header is set before the chain runs), stored as an exchange
 * attribute and put in the Reactor context (and so, with context propagation, in the logging MDC).
 * By default the request itself is rewritten to carry the id too, so that whatever reads its
 * headers sees the same value; a proxy that sets the header on the requests it sends (from {@link
 * RequestIds#of}) turns that off and saves a copy of every request's headers.
 */
public class RequestIdWebFilter implements WebFilter, Ordered {

  /** Runs before security and everything else so that even a rejected request has an id. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

  private final boolean onRequest;

  /** A filter that also puts the id on the request. */
  public RequestIdWebFilter() {
    this(true);
  }

  /**
   * @param onRequest whether the request is rewritten to carry the id when the client sent none or
   *     a malformed one; without it, only the attribute, the context and the response have it
   */
  public RequestIdWebFilter(boolean onRequest) {
    this.onRequest = onRequest;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String offered = exchange.getRequest().getHeaders().getFirst(SluiceHeaders.REQUEST_ID);
    String id = RequestIds.isWellFormed(offered) ? offered : RequestIds.generate();
    exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
    exchange.getResponse().getHeaders().set(SluiceHeaders.REQUEST_ID, id);
    ServerWebExchange withId = exchange;
    if (onRequest && !id.equals(offered)) {
      ServerHttpRequest request =
          exchange.getRequest().mutate().headers(h -> h.set(SluiceHeaders.REQUEST_ID, id)).build();
      withId = exchange.mutate().request(request).build();
    }
    return chain.filter(withId).contextWrite(context -> context.put(RequestIds.CONTEXT_KEY, id));
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
