package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.system.GatewayProblemException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class WholeResponseWriteFilterTests {

  private static final int LIMIT = 16;

  /** What reached the real response: whether the body was one Mono, and its bytes. */
  private record Written(boolean mono, String body) {}

  @Test
  void aDeclaredSmallBodyArrivingInPiecesIsWrittenAsOneBuffer() {
    Written written = proxy(HttpMethod.GET, 13L, "{\"a\":", "1,\"b\"", ":2}");
    assertThat(written).isEqualTo(new Written(true, "{\"a\":1,\"b\":2}"));
  }

  @Test
  void aBodyAtTheLimitIsStillCollected() {
    Written written = proxy(HttpMethod.GET, (long) LIMIT, "0123456789", "abcdef");
    assertThat(written.mono()).isTrue();
    assertThat(written.body()).isEqualTo("0123456789abcdef");
  }

  @Test
  void largerChunkedHeadAndEmptyResponsesStream() {
    assertThat(proxy(HttpMethod.GET, (long) LIMIT + 1, "0123456789", "abcdefg"))
        .isEqualTo(new Written(false, "0123456789abcdefg"));
    assertThat(proxy(HttpMethod.GET, null, "chunk-1", "chunk-2"))
        .isEqualTo(new Written(false, "chunk-1chunk-2"));
    assertThat(proxy(HttpMethod.HEAD, 12L)).isEqualTo(new Written(false, ""));
    assertThat(proxy(HttpMethod.GET, 0L)).isEqualTo(new Written(false, ""));
  }

  @Test
  void aZeroLimitTurnsItOff() {
    Written written = proxy(new WholeResponseWriteFilter(0), HttpMethod.GET, 3L, "a", "bc");
    assertThat(written).isEqualTo(new Written(false, "abc"));
  }

  @Test
  void aBackendFailingMidBodyLeavesTheResponseUncommittedForA502() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/1"));
    exchange.getResponse().getHeaders().setContentLength(10);
    Flux<DataBuffer> cutShort =
        Flux.concat(
            Flux.just(buffer("01234")), Mono.error(new IOException("Connection reset by peer")));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    new WholeResponseWriteFilter(LIMIT)
        .filter(exchange, forwarded -> forwarded.getResponse().writeWith(cutShort))
        .doOnError(failure::set)
        .onErrorComplete()
        .block(Duration.ofSeconds(5));
    assertThat(exchange.getResponse().isCommitted()).isFalse();
    assertThat(failure.get())
        .isInstanceOfSatisfying(
            GatewayProblemException.class,
            problem -> assertThat(problem.getStatusCode().value()).isEqualTo(502))
        .hasCauseInstanceOf(IOException.class);
  }

  private Written proxy(HttpMethod method, Long contentLength, String... chunks) {
    return proxy(new WholeResponseWriteFilter(LIMIT), method, contentLength, chunks);
  }

  /**
   * Runs the filter with a chain that does what SCG's response writer does: copies the backend's
   * {@code Content-Length} and writes the body as a {@link Flux} of the pieces read.
   */
  private static Written proxy(
      WholeResponseWriteFilter filter, HttpMethod method, Long contentLength, String... chunks) {
    AtomicReference<Publisher<? extends DataBuffer>> seen = new AtomicReference<>();
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.method(method, "/api/users/1"));
    ServerWebExchange recording =
        exchange
            .mutate()
            .response(
                new ServerHttpResponseDecorator(exchange.getResponse()) {
                  @Override
                  public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                    seen.set(body);
                    return super.writeWith(body);
                  }
                })
            .build();
    GatewayFilterChain chain =
        forwarded -> {
          ServerHttpResponse response = forwarded.getResponse();
          if (contentLength != null) {
            response.getHeaders().setContentLength(contentLength);
          }
          return response.writeWith(
              Flux.fromArray(chunks).map(WholeResponseWriteFilterTests::buffer));
        };
    filter.filter(recording, chain).block(Duration.ofSeconds(5));
    String body =
        exchange.getResponse().getBodyAsString().blockOptional(Duration.ofSeconds(5)).orElse("");
    return new Written(seen.get() instanceof Mono, body);
  }

  private static DataBuffer buffer(String text) {
    return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
  }
}
