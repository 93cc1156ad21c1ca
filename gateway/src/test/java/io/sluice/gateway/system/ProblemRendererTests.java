package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.requestid.RequestIds;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.test.StepVerifier;

class ProblemRendererTests {

  final ProblemRenderer renderer = new ProblemRenderer();

  static MockServerWebExchange exchange() {
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.get("/api/users/\"x\""));
    exchange.getAttributes().put(RequestIds.ATTRIBUTE, "rid-1");
    return exchange;
  }

  @Test
  void a503CarriesRetryAfterInWholeSecondsAndTheExactMilliseconds() {
    MockServerWebExchange exchange = exchange();
    renderer
        .render(
            exchange, GatewayProblemException.unavailable("down", Duration.ofMillis(1200), null))
        .as(StepVerifier::create)
        .verifyComplete();
    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("2");
    assertThat(exchange.getResponse().getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(exchange.getResponse().getBodyAsString().block())
        .isEqualTo(
            "{\"type\":\"https://sluice.dev/problems/service-unavailable\","
                + "\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"down\","
                + "\"instance\":\"/api/users/_22x_22\",\"requestId\":\"rid-1\","
                + "\"retryAfterMs\":1200}");
  }

  @Test
  void aHeaderOfTheProblemReplacesTheSameHeaderAlreadyOnTheResponse() {
    MockServerWebExchange exchange = exchange();
    // What a refusing rate limit filter may have written before its 429 problem is rendered.
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
    exchange.getResponse().getHeaders().set("X-RateLimit-Remaining", "0");
    HttpHeaders problemHeaders = new HttpHeaders();
    problemHeaders.set(HttpHeaders.RETRY_AFTER, "1");
    renderer
        .render(
            exchange,
            GatewayProblemException.withHeaders(
                HttpStatus.TOO_MANY_REQUESTS, "slow down", problemHeaders))
        .as(StepVerifier::create)
        .verifyComplete();
    HttpHeaders headers = exchange.getResponse().getHeaders();
    assertThat(headers.getValuesAsList(HttpHeaders.RETRY_AFTER)).containsExactly("1");
    assertThat(headers.getValuesAsList("X-RateLimit-Remaining")).containsExactly("0");
  }

  @Test
  void a503ReplacesAnyRetryAfterAlreadyOnTheResponse() {
    MockServerWebExchange exchange = exchange();
    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "7");
    renderer
        .render(exchange, GatewayProblemException.unavailable("open", Duration.ofSeconds(2), null))
        .as(StepVerifier::create)
        .verifyComplete();
    assertThat(exchange.getResponse().getHeaders().getValuesAsList(HttpHeaders.RETRY_AFTER))
        .containsExactly("2");
  }

  @Test
  void unexpectedErrorsBecomeA500WithoutInternals() {
    MockServerWebExchange exchange = exchange();
    renderer
        .render(exchange, new IllegalStateException("secret internals at com.example.Foo"))
        .as(StepVerifier::create)
        .verifyComplete();
    assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    assertThat(exchange.getResponse().getBodyAsString().block())
        .doesNotContain("secret")
        .doesNotContain("IllegalStateException")
        .contains("https://sluice.dev/problems/internal");
  }
}
