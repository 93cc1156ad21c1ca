package io.sluice.gateway.routing;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * What the backend learns about the client's connection. {@code Forwarded} and {@code
 * X-Forwarded-*} sent by a client are forgeable, so they are dropped unless the peer is a
 * configured trusted proxy; the gateway then states what it saw itself: {@code X-Forwarded-For}
 * (the peer, appended to a trusted proxy's list), {@code X-Forwarded-Proto} and {@code
 * X-Forwarded-Host}. SCG's own forwarded-header filters stay in their default (strip everything)
 * mode; this filter runs after them and does not depend on them.
 */
class ForwardedHeadersPolicy implements InPlaceHeadersFilter, Ordered {

  static final String X_FORWARDED_FOR = "X-Forwarded-For";

  static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

  static final String X_FORWARDED_HOST = "X-Forwarded-Host";

  private final ProxyTrust trust;

  ForwardedHeadersPolicy(ProxyTrust trust) {
    this.trust = trust;
  }

  @Override
  public void apply(HttpHeaders headers, ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    HeadersPipeline.removeIf(headers, ForwardedHeadersPolicy::isForwardedHeader);
    InetSocketAddress peer = request.getRemoteAddress();
    String peerIp =
        peer == null || peer.getAddress() == null ? null : peer.getAddress().getHostAddress();
    HttpHeaders original = request.getHeaders();
    if (peer != null && trust.isTrusted(peer.getAddress())) {
      for (Map.Entry<String, List<String>> header : original.headerSet()) {
        if (isForwardedHeader(header.getKey())) {
          headers.addAll(header.getKey(), header.getValue());
        }
      }
      String chain = headers.getFirst(X_FORWARDED_FOR);
      headers.set(X_FORWARDED_FOR, chain == null ? peerIp : chain + ", " + peerIp);
    } else if (peerIp != null) {
      headers.set(X_FORWARDED_FOR, peerIp);
    }
    if (!headers.containsHeader(X_FORWARDED_PROTO)) {
      headers.set(X_FORWARDED_PROTO, request.getURI().getScheme());
    }
    String host = original.getFirst(HttpHeaders.HOST);
    if (host == null) {
      host = request.getURI().getRawAuthority();
    }
    if (host != null && !headers.containsHeader(X_FORWARDED_HOST)) {
      headers.set(X_FORWARDED_HOST, host);
    }
  }

  /** Whether {@code name} (in any case) is {@code Forwarded} or an {@code X-Forwarded-*} header. */
  private static boolean isForwardedHeader(String name) {
    return name.equalsIgnoreCase("forwarded")
        || HeadersPipeline.startsWithIgnoreCase(name, "x-forwarded-");
  }

  @Override
  public int getOrder() {
    // After SCG's Remove(X)ForwardedHeadersFilter (0), before hop-by-hop removal.
    return 10;
  }
}
