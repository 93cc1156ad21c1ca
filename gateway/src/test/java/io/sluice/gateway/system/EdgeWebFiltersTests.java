package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.Ordered;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.handler.DefaultWebFilterChain;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class EdgeWebFiltersTests {

  private final List<String> calls = new ArrayList<>();

  /** A Sluice filter (this package): records its name, marks the exchange and goes on. */
  private final class Step implements WebFilter, Ordered {
    private final String name;
    private final int order;

    Step(String name, int order) {
      this.name = name;
      this.order = order;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
      calls.add(name + ":" + exchange.getAttributes().getOrDefault("seen", ""));
      exchange.getAttributes().put("seen", name);
      return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
      return order;
    }
  }

  @Test
  void runsOfSluiceFiltersAreCombinedInPlaceAndOthersKeptBetweenThem() {
    WebFilter foreign = new ServerWebExchangeContextFilter();
    WebFilter otherForeign = new ServerWebExchangeContextFilter();
    Step a = new Step("a", 1);
    Step b = new Step("b", 2);
    Step c = new Step("c", 4);
    Step d = new Step("d", 6);
    Step e = new Step("e", 7);
    List<WebFilter> sorted = new ArrayList<>(List.of(a, b, foreign, c, otherForeign, d, e));

    EdgeWebFilters.combine(sorted);

    assertThat(sorted).hasSize(5);
    assertThat(((EdgeWebFilters) sorted.get(0)).filters()).containsExactly(a, b);
    assertThat(((EdgeWebFilters) sorted.get(0)).getOrder()).isEqualTo(1);
    assertThat(sorted.get(1)).isSameAs(foreign);
    assertThat(sorted.get(2)).isSameAs(c);
    assertThat(sorted.get(3)).isSameAs(otherForeign);
    assertThat(((EdgeWebFilters) sorted.get(4)).filters()).containsExactly(d, e);
  }

  @Test
  void theCombinedFiltersRunInOrderThenTheRestOfSpringsChain() {
    List<WebFilter> sorted =
        new ArrayList<>(List.of(new Step("a", 1), new Step("b", 2), new Step("c", 3)));
    EdgeWebFilters.combine(sorted);
    MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/x"));

    new DefaultWebFilterChain(
            ex -> {
              calls.add("handler:" + ex.getAttributes().get("seen"));
              return Mono.empty();
            },
            sorted)
        .filter(exchange)
        .as(StepVerifier::create)
        .verifyComplete();

    assertThat(calls).containsExactly("a:", "b:a", "c:b", "handler:c");
  }

  @Test
  void aFilterThatThrowsEndsTheRequestWithThatErrorAsSpringsChainWould() {
    WebFilter throwing =
        new WebFilter() {
          @Override
          public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            throw new IllegalStateException("broken filter");
          }
        };
    List<WebFilter> sorted = new ArrayList<>(List.of(new Step("a", 1), throwing));
    EdgeWebFilters.combine(sorted);
    assertThat(sorted).hasSize(1);

    sorted
        .get(0)
        .filter(
            MockServerWebExchange.from(MockServerHttpRequest.get("/x")),
            ex -> {
              calls.add("handler");
              return Mono.empty();
            })
        .as(StepVerifier::create)
        .verifyErrorMessage("broken filter");
    assertThat(calls).containsExactly("a:");
  }
}
