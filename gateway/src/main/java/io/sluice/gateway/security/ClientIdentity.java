package io.sluice.gateway.security;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who the client is, as far as the backends are told: the internal token's {@code sub}, {@code
 * plan} and {@code scope}. Edge authentication ({@code ApiKeyAuthenticationWebFilter}) puts the
 * identity it resolved in {@link #ATTRIBUTE}; a request without one is {@link #ANONYMOUS}.
 *
 * @param subject the API key id ({@code sub})
 * @param plan the plan name ({@code free}, {@code standard}, {@code partner})
 * @param scope space-separated scopes
 */
public record ClientIdentity(String subject, String plan, String scope) {

  /** Exchange attribute holding the request's {@link ClientIdentity}. */
  public static final String ATTRIBUTE = ClientIdentity.class.getName();

  /**
   * Who a request is when edge authentication has not named anyone; it holds no scope, so a backend
   * refuses it whatever route it reached.
   */
  public static final ClientIdentity ANONYMOUS = new ClientIdentity("anonymous", "free", "");

  /** The identity resolved for this exchange. */
  public static ClientIdentity of(ServerWebExchange exchange) {
    ClientIdentity identity = exchange.getAttribute(ATTRIBUTE);
    return identity != null ? identity : ANONYMOUS;
  }
}
