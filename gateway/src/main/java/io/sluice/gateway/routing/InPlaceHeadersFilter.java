package io.sluice.gateway.routing;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * A headers filter that changes the headers it is given instead of returning a copy. SCG's filters
 * each copy every header of the request or response; on the proxy path {@link HeadersPipeline} runs
 * the in-place ones on one copy made for them all. Anywhere else (SCG calling {@link #filter}), it
 * behaves as any {@link HttpHeadersFilter}: a copy, changed.
 */
public interface InPlaceHeadersFilter extends HttpHeadersFilter {

  /**
   * Changes {@code headers}, a mutable copy of the request's or response's headers (whichever the
   * filter supports) owned by the caller.
   */
  void apply(HttpHeaders headers, ServerWebExchange exchange);

  @Override
  default HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    HttpHeaders copy = HttpHeaders.copyOf(input);
    apply(copy, exchange);
    return copy;
  }
}
