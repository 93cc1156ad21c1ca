package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.common.requestid.RequestIds;
import java.time.Duration;
import org.junit.jupiter.api.Test;
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
