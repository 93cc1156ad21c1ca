package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class ForwardedHeadersPolicyTests {

  final ForwardedHeadersPolicy policy =
      new ForwardedHeadersPolicy(new ProxyTrust(List.of("10.0.0.0/8")));

  static MockServerWebExchange from(String peer) {
    return MockServerWebExchange.from(
        MockServerHttpRequest.get("http://api.example/api/users")
            .remoteAddress(new InetSocketAddress(peer, 40000))
            .header("X-Forwarded-For", "203.0.113.9")
            .header("X-Forwarded-Proto", "https")
            .header("Forwarded", "for=203.0.113.9")
            .header("X-Other", "kept"));
  }

  @Test
  void anUntrustedPeersForwardedHeadersAreReplaced() {
    MockServerWebExchange exchange = from("198.51.100.4");
    HttpHeaders out = policy.filter(exchange.getRequest().getHeaders(), exchange);
    assertThat(out.get("X-Forwarded-For")).containsExactly("198.51.100.4");
    assertThat(out.getFirst("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(out.getFirst("X-Forwarded-Host")).isEqualTo("api.example");
    assertThat(out.containsHeader("Forwarded")).isFalse();
    assertThat(out.getFirst("X-Other")).isEqualTo("kept");
  }

  @Test
  void aTrustedProxysChainIsKeptAndExtended() {
    MockServerWebExchange exchange = from("10.1.2.3");
    HttpHeaders out = policy.filter(exchange.getRequest().getHeaders(), exchange);
    assertThat(out.get("X-Forwarded-For")).containsExactly("203.0.113.9, 10.1.2.3");
    assertThat(out.getFirst("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(out.getFirst("Forwarded")).isEqualTo("for=203.0.113.9");
  }
}
