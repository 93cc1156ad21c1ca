package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCResponseHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

/**
 * The pipeline must send the backend exactly what SCG's chain of copying filters would: the same
 * headers, with the same values in the same order, for requests with every kind of header the
 * filters touch, from trusted and untrusted peers, with a filter that knows nothing of the pipeline
 * among them.
 */
class HeadersPipelineTests {

  /** A filter the pipeline does not know: it must run as SCG would run it, in its place. */
  record Foreign(String name) implements HttpHeadersFilter {
    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
      HttpHeaders out = new HttpHeaders();
      out.addAll(input);
      out.add("X-Seen-By", name + ":" + String.join("|", out.getOrEmpty("X-Forwarded-For")));
      out.remove("X-Drop-Me");
      return out;
    }
  }

  /** An in-place filter, as Sluice's credential filter is one. */
  static final InPlaceHeadersFilter CREDENTIALS =
      (headers, exchange) -> {
        headers.remove("X-API-Key");
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer internal");
      };

  /** Adds to a header the client may have sent: the client's own list must not change. */
  static final InPlaceHeadersFilter ACCEPT_MORE =
      (headers, exchange) -> headers.add(HttpHeaders.ACCEPT, "application/x-sluice");

  /** SCG's filters and Sluice's, in the order SCG sorts them for a proxied request. */
  static List<HttpHeadersFilter> chain() {
    List<HttpHeadersFilter> chain = new ArrayList<>(scgChain());
    chain.add(2, new ForwardedHeadersPolicy(new ProxyTrust(List.of("10.0.0.0/8"))));
    return chain;
  }

  /** Without Sluice's forwarded-headers policy, which would hide what SCG's removals do. */
  static List<HttpHeadersFilter> scgChain() {
    return List.of(
        new RemoveForwardedHeadersFilter(),
        new RemoveXForwardedHeadersFilter(),
        ACCEPT_MORE,
        new Foreign("first"),
        CREDENTIALS,
        new TransferEncodingNormalizationHeadersFilter(),
        new Foreign("second"),
        new RemoveHopByHopHeadersFilter(),
        new GRPCRequestHeadersFilter(),
        new GRPCResponseHeadersFilter());
  }

  static Stream<UnaryOperator<MockServerHttpRequest.BaseBuilder<?>>> requests() {
    return Stream.of(
        r -> r,
        r -> r.header("X-API-Key", "sk_live_x").header("Authorization", "Basic Zm9vOmJhcg=="),
        r ->
            r.header("Forwarded", "for=203.0.113.9")
                .header("X-Forwarded-For", "203.0.113.9", "198.51.100.1")
                .header("x-forwarded-proto", "https")
                .header("X-Forwarded-Host", "edge.example"),
        r ->
            r.header("Connection", "keep-alive, X-Hop, Upgrade")
                .header("X-Hop", "secret")
                .header("Keep-Alive", "timeout=5")
                .header("Upgrade", "websocket")
                .header("TE", "trailers")
                .header("Proxy-Authorization", "Basic abc")
                .header("X-Drop-Me", "1"),
        r -> r.header("Transfer-Encoding", " Chunked ").header("Content-Length", "12"),
        r -> r.header("Content-Length", "12"),
        r -> r.header("Content-Type", "Application/GRPC+proto").header("te", "trailers"),
        r ->
            r.header("Accept", "application/json", "text/plain")
                .header("accept-language", "en")
                .header("X-Many", "a", "b", "c"));
  }

  static Stream<MockServerWebExchange> exchanges() {
    List<MockServerWebExchange> all = new ArrayList<>();
    for (String peer : List.of("198.51.100.4", "10.1.2.3")) {
      requests()
          .forEach(
              build -> {
                MockServerHttpRequest.BaseBuilder<?> request =
                    MockServerHttpRequest.get("http://api.example/api/users/1")
                        .remoteAddress(new InetSocketAddress(peer, 40000));
                all.add(MockServerWebExchange.from(build.apply(request)));
              });
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("exchanges")
  void theBackendGetsWhatScgsChainWouldSend(MockServerWebExchange exchange) {
    Map<String, List<String>> sent = normalized(exchange.getRequest().getHeaders());
    for (List<HttpHeadersFilter> chain : List.of(chain(), scgChain())) {
      HttpHeaders expected = HttpHeadersFilter.filterRequest(chain, exchange);
      HttpHeaders actual = HttpHeadersFilter.filterRequest(HeadersPipeline.of(chain), exchange);

      assertThat(normalized(actual)).isEqualTo(normalized(expected));
    }
    // The client's own headers are never changed.
    assertThat(normalized(exchange.getRequest().getHeaders())).isEqualTo(sent);
  }

  /** A response filter the pipeline does not know, for both directions. */
  record ForeignBoth(String name) implements HttpHeadersFilter {
    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
      HttpHeaders out = new HttpHeaders();
      out.addAll(input);
      out.add("X-Seen-By", name + ":" + out.size());
      return out;
    }

    @Override
    public boolean supports(Type type) {
      return true;
    }
  }

  /** The response side: SCG's and Sluice's response filters, and two it does not know. */
  static List<HttpHeadersFilter> responseChain() {
    List<HttpHeadersFilter> chain = new ArrayList<>(chain());
    chain.add(1, new ForeignBoth("early"));
    chain.add(new UpstreamResponseHeadersFilter());
    chain.add(new ForeignBoth("late"));
    chain.add(new RemoveHopByHopHeadersFilter());
    return chain;
  }

  static Stream<HttpHeaders> upstreamResponses() {
    return Stream.of(
        headers("Content-Type", "application/json", "Content-Length", "163"),
        headers(
            "Content-Type", "application/grpc",
            "Connection", "close, X-Internal",
            "x-internal", "1",
            "Keep-Alive", "timeout=5",
            "Transfer-Encoding", "chunked",
            "Upgrade", "h2c",
            "Proxy-Authenticate", "Basic",
            "X-Kept", "yes"),
        headers(
            "X-Request-Id", "from-the-backend",
            "Set-Cookie", "a=1",
            "Set-Cookie", "b=2",
            "Vary", "Accept"),
        new HttpHeaders());
  }

  /** Headers from name, value, name, value... (a name may repeat). */
  private static HttpHeaders headers(String... namesAndValues) {
    HttpHeaders headers = new HttpHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @ParameterizedTest
  @MethodSource("upstreamResponses")
  void clientsGetWhatScgsResponseChainWouldReturn(HttpHeaders upstream) {
    Map<String, List<String>> sent = normalized(upstream);
    exchanges()
        .forEach(
            exchange -> {
              for (List<HttpHeadersFilter> chain : List.of(chain(), responseChain())) {
                HttpHeaders expected =
                    HttpHeadersFilter.filter(chain, upstream, exchange, Type.RESPONSE);
                HttpHeaders actual =
                    HttpHeadersFilter.filter(
                        HeadersPipeline.of(chain), upstream, exchange, Type.RESPONSE);

                assertThat(normalized(actual)).isEqualTo(normalized(expected));
                assertThat(actual.containsHeader("X-Internal")).isFalse();
                // Sluice's own request id replaces the backend's echo.
                boolean sluiceFilters =
                    chain.stream().anyMatch(UpstreamResponseHeadersFilter.class::isInstance);
                assertThat(actual.containsHeader("X-Request-Id"))
                    .isEqualTo(!sluiceFilters && upstream.containsHeader("X-Request-Id"));
              }
            });
    // What the backend sent is read, never changed.
    assertThat(normalized(upstream)).isEqualTo(sent);
  }

  /** Names in lower case (HTTP names are case-insensitive), values as sent, in order. */
  private static Map<String, List<String>> normalized(HttpHeaders headers) {
    Map<String, List<String>> out = new TreeMap<>();
    headers.forEach(
        (name, values) ->
            out.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
    return out;
  }
}
