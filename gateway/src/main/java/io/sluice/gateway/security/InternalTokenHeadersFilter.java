package io.sluice.gateway.security;

import io.sluice.common.http.SluiceHeaders;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Replaces whatever credentials the client sent with the internal token: the backend trusts only
 * the gateway's {@code Authorization: Bearer}, and never sees the client's {@code Authorization} or
 * API key.
 */
class InternalTokenHeadersFilter implements HttpHeadersFilter, Ordered {

  private final InternalTokenIssuer issuer;

  InternalTokenHeadersFilter(InternalTokenIssuer issuer) {
    this.issuer = issuer;
  }

  @Override
  public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
    HttpHeaders out = new HttpHeaders();
    out.addAll(input);
    out.remove(SluiceHeaders.API_KEY);
    out.set(HttpHeaders.AUTHORIZATION, issuer.bearerFor(ClientIdentity.of(exchange)));
    return out;
  }

  @Override
  public int getOrder() {
    return 20;
  }
}
