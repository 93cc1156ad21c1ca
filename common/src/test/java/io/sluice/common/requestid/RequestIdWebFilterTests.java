package io.sluice.common.requestid;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.http.SluiceHeaders;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RequestIdWebFilterTests {

  private final RequestIdWebFilter filter = new RequestIdWebFilter();

  @Test
  void aWellFormedIdFromTheClientIsKeptAndEchoed() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(
            MockServerHttpRequest.get("/x").header(SluiceHeaders.REQUEST_ID, "abc-123_X.y:z"));
    AtomicReference<ServerWebExchange> seen = new AtomicReference<>();

    filter
        .filter(exchange, ex -> Mono.fromRunnable(() -> seen.set(ex)))
        .as(StepVerifier::create)
        .verifyComplete();

    assertThat(exchange.getResponse().getHeaders().getFirst(SluiceHeaders.REQUEST_ID))
        .isEqualTo("abc-123_X.y:z");
    assertThat(RequestIds.of(seen.get())).isEqualTo("abc-123_X.y:z");
  }

  @Test
  void aMalformedIdIsReplacedOnTheResponseAndOnTheForwardedRequest() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(
            MockServerHttpRequest.get("/x").header(SluiceHeaders.REQUEST_ID, "bad id\u0007"));
    AtomicReference<ServerWebExchange> seen = new AtomicReference<>();

    filter
        .filter(exchange, ex -> Mono.fromRunnable(() -> seen.set(ex)))
        .as(StepVerifier::create)
        .verifyComplete();

    String echoed = exchange.getResponse().getHeaders().getFirst(SluiceHeaders.REQUEST_ID);
    assertThat(echoed).isNotEqualTo("bad id\u0007").matches("[0-9a-f-]{36}");
    assertThat(seen.get().getRequest().getHeaders().getFirst(SluiceHeaders.REQUEST_ID))
        .isEqualTo(echoed);
  }

  @Test
  void aProxysFilterPutsTheGeneratedIdOnlyInTheAttributeAndTheResponse() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(
            MockServerHttpRequest.get("/x").header(SluiceHeaders.REQUEST_ID, "bad id\u0007"));
    AtomicReference<ServerWebExchange> seen = new AtomicReference<>();

    AtomicReference<Boolean> inContext = new AtomicReference<>();

    RequestIdWebFilter.forProxy()
        .filter(
            exchange,
            ex ->
                Mono.deferContextual(
                    ctx -> {
                      seen.set(ex);
                      inContext.set(ctx.hasKey(RequestIds.CONTEXT_KEY));
                      return Mono.empty();
                    }))
        .as(StepVerifier::create)
        .verifyComplete();

    String echoed = exchange.getResponse().getHeaders().getFirst(SluiceHeaders.REQUEST_ID);
    assertThat(echoed).matches("[0-9a-f-]{36}");
    assertThat(RequestIds.of(seen.get())).isEqualTo(echoed);
    assertThat(seen.get().getRequest()).isSameAs(exchange.getRequest());
    assertThat(inContext.get()).isFalse();
  }

  @Test
  void aMissingIdIsGeneratedAndPutInTheReactorContext() {
    MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));
    AtomicReference<String> fromContext = new AtomicReference<>();

    filter
        .filter(
            exchange,
            ex ->
                Mono.deferContextual(
                    ctx -> {
                      fromContext.set(ctx.get(RequestIds.CONTEXT_KEY));
                      return Mono.empty();
                    }))
        .as(StepVerifier::create)
        .verifyComplete();

    assertThat(fromContext.get())
        .isEqualTo(exchange.getResponse().getHeaders().getFirst(SluiceHeaders.REQUEST_ID));
  }

  @Test
  void idsLongerThan128CharactersAreRejected() {
    assertThat(RequestIds.isWellFormed("a".repeat(128))).isTrue();
    assertThat(RequestIds.isWellFormed("a".repeat(129))).isFalse();
    assertThat(RequestIds.isWellFormed("")).isFalse();
    assertThat(RequestIds.isWellFormed("semi;colon")).isFalse();
  }
}
