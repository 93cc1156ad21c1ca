package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class CachedResponseWriterTests {

  @Test
  void ifNoneMatchUsesWeakComparisonListsAndTheWildcard() {
    assertThat(CachedResponseWriter.matches(List.of("\"3\""), "\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("W/\"3\""), "\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("\"1\", \"3\""), "W/\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("*"), "\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("\"4\""), "\"3\"")).isFalse();
    assertThat(CachedResponseWriter.matches(List.of("\"3\""), null)).isFalse();
    assertThat(CachedResponseWriter.matches(List.of(), "\"3\"")).isFalse();
  }

  @Test
  void storedHeadersReplaceTheResponsesValuesOncePerNameAndKeepTheirOwnRepeats() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/1"));
    exchange.getResponse().getHeaders().add("Link", "<old>");
    exchange.getResponse().getHeaders().add("X-Request-Id", "rid");
    CachedResponse entry =
        new CachedResponse(
            200,
            List.of(
                new CachedResponse.Header("Link", "<a>"),
                new CachedResponse.Header("Content-Type", "application/json"),
                new CachedResponse.Header("link", "<b>")),
            "{}".getBytes(),
            1_000,
            60_000,
            60_000,
            60_000);

    CachedResponseWriter.serve(exchange, entry, CachedResponseWriter.HIT, 3_500).block();

    var headers = exchange.getResponse().getHeaders();
    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(headers.get("Link")).containsExactly("<a>", "<b>");
    assertThat(headers.getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(headers.getFirst("X-Request-Id")).isEqualTo("rid");
    assertThat(headers.getFirst("Age")).isEqualTo("2");
    assertThat(headers.getFirst("X-Cache")).isEqualTo("HIT");
    assertThat(exchange.getResponse().getBodyAsString().block()).isEqualTo("{}");
  }
}
