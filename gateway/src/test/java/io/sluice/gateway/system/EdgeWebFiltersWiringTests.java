package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.support.Gateways;
import io.sluice.gateway.support.StubBackend;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.handler.FilteringWebHandler;
import org.springframework.web.server.handler.WebHandlerDecorator;

/** The gateway as it starts runs its edge web filters as one filter ({@link EdgeWebFilters}). */
class EdgeWebFiltersWiringTests {

  static StubBackend backend;
  static ConfigurableApplicationContext gateway;

  @BeforeAll
  static void start() {
    backend = StubBackend.start("wiring");
    gateway = Gateways.start(backend.uri());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    backend.close();
  }

  @Test
  void theEdgeFiltersRunAsOneFilterInTheirOrderAndNoneOnItsOwn() {
    WebHandler handler = (WebHandler) gateway.getBean(HttpHandler.class);
    while (!(handler instanceof FilteringWebHandler)
        && handler instanceof WebHandlerDecorator decorator) {
      handler = decorator.getDelegate();
    }
    List<WebFilter> filters = ((FilteringWebHandler) handler).getFilters();

    List<WebFilter> combined = filters.stream().filter(EdgeWebFilters.class::isInstance).toList();
    assertThat(combined).hasSize(1);
    assertThat(((EdgeWebFilters) combined.get(0)).filters())
        .extracting(filter -> filter.getClass().getSimpleName())
        .containsExactly(
            "RequestIdWebFilter",
            "AccessLogWebFilter",
            "ErrorRenderingWebFilter",
            "RequestLimitsWebFilter",
            "ApiKeyAuthenticationWebFilter");
    assertThat(filters)
        .noneMatch(
            filter ->
                !(filter instanceof EdgeWebFilters)
                    && filter.getClass().getName().startsWith("io.sluice."));
  }
}
