package io.sluice.gateway.routing;

import io.sluice.common.http.SluiceHeaders;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Drops response headers the gateway owns from backend responses. {@code X-Request-Id} is already
 * on the response (set by the request id filter); SCG appends upstream headers, so the backend's
 * echo would otherwise duplicate it.
 */
class UpstreamResponseHeadersFilter implements InPlaceHeadersFilter {

  @Override
  public void apply(HttpHeaders headers, ServerWebExchange exchange) {
    headers.remove(SluiceHeaders.REQUEST_ID);
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    return input.containsHeader(SluiceHeaders.REQUEST_ID)
        ? InPlaceHeadersFilter.super.filter(input, exchange)
        : input;
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.RESPONSE;
  }
}
