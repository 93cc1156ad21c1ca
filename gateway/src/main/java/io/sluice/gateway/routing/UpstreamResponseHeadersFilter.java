package io.sluice.gateway.routing;

import io.sluice.common.http.SluiceHeaders;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Drops response headers the gateway owns from backend responses. {@code X-Request-Id} is already
 * on the response (set by the request id filter); SCG appends upstream headers, so the backend's
 * echo would otherwise duplicate it.
 */
class UpstreamResponseHeadersFilter implements HttpHeadersFilter {

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    if (!input.containsHeader(SluiceHeaders.REQUEST_ID)) {
      return input;
    }
    HttpHeaders out = new HttpHeaders();
    out.addAll(input);
    out.remove(SluiceHeaders.REQUEST_ID);
    return out;
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.RESPONSE;
  }
}
