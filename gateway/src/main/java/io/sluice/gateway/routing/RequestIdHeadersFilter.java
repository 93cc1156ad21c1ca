package io.sluice.gateway.routing;

import io.sluice.common.http.SluiceHeaders;
import io.sluice.common.requestid.RequestIds;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends the request's id to the backend: the id the request id filter assigned (the client's, when
 * well-formed), replacing whatever {@code X-Request-Id} the client sent. The gateway's request id
 * filter leaves the incoming request as it is; setting the header here, on the copy of the headers
 * the proxy path makes anyway, spares every request (cache hits and refusals included) a rebuilt
 * request with a copy of all its headers.
 */
class RequestIdHeadersFilter implements InPlaceHeadersFilter {

  @Override
  public void apply(HttpHeaders headers, ServerWebExchange exchange) {
    String id = RequestIds.of(exchange);
    if (id != null) {
      headers.set(SluiceHeaders.REQUEST_ID, id);
    }
  }

  @Override
  public boolean supports(Type type) {
    return type == Type.REQUEST;
  }
}
