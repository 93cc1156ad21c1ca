package io.sluice.gateway.security;

import io.sluice.common.http.SluiceHeaders;
import io.sluice.gateway.routing.InPlaceHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * Replaces whatever credentials the client sent with the internal token: the backend trusts only
 * the gateway's {@code Authorization: Bearer}, and never sees the client's {@code Authorization} or
 * API key.
 */
class InternalTokenHeadersFilter implements InPlaceHeadersFilter, Ordered {

  private final InternalTokenIssuer issuer;

  InternalTokenHeadersFilter(InternalTokenIssuer issuer) {
    this.issuer = issuer;
  }

  @Override
  public void apply(HttpHeaders headers, ServerWebExchange exchange) {
    headers.remove(SluiceHeaders.API_KEY);
    headers.set(HttpHeaders.AUTHORIZATION, issuer.bearerFor(ClientIdentity.of(exchange)));
  }

  @Override
  public int getOrder() {
    return 20;
  }
}
