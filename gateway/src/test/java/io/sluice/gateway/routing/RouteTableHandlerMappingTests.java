package io.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.AsyncPredicate;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class RouteTableHandlerMappingTests {

  private final AtomicReference<List<Route>> table = new AtomicReference<>(List.of());

  private final RouteTableHandlerMapping mapping =
      new RouteTableHandlerMapping(
          new FilteringWebHandler(List.of(), false),
          () -> Flux.defer(() -> Flux.fromIterable(table.get())),
          new GlobalCorsProperties(),
          new MockEnvironment());

  private static Route route(String id, Predicate<ServerWebExchange> predicate) {
    return Route.async().id(id).uri("http://127.0.0.1:1").predicate(predicate).build();
  }

  private static Route asyncRoute(String id, AsyncPredicate<ServerWebExchange> predicate) {
    return Route.async().id(id).uri("http://127.0.0.1:1").asyncPredicate(predicate).build();
  }

  private static Predicate<ServerWebExchange> path(String prefix) {
    return exchange -> exchange.getRequest().getPath().value().startsWith(prefix);
  }

  private static MockServerWebExchange get(String path) {
    return MockServerWebExchange.from(MockServerHttpRequest.get(path));
  }

  private String lookup(ServerWebExchange exchange) {
    Route route = mapping.lookupRoute(exchange).block(Duration.ofSeconds(5));
    return route == null ? null : route.getId();
  }

  @Test
  void theFirstMatchingRouteInOrderWinsAndIsNamedInTheExchange() {
    table.set(List.of(route("users", path("/api/users")), route("any", path("/api"))));
    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this));

    MockServerWebExchange users = get("/api/users/1");
    assertThat(lookup(users)).isEqualTo("users");
    assertThat((String) users.getAttribute(GATEWAY_PREDICATE_ROUTE_ATTR)).isEqualTo("users");
    assertThat(lookup(get("/api/keys"))).isEqualTo("any");
    assertThat(lookup(get("/other"))).isNull();
  }

  @Test
  void beforeTheFirstRefreshScgsOwnLookupAnswers() {
    table.set(List.of(route("users", path("/api/users"))));
    assertThat(mapping.routes()).isNull();
    assertThat(lookup(get("/api/users"))).isEqualTo("users");
  }

  @Test
  void aRefreshTakesTheNewTableAndAFailedRefreshKeepsTheOldOne() {
    table.set(List.of(route("old", path("/"))));
    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this));
    table.set(List.of(route("new", path("/"))));
    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this, new IllegalStateException("x")));
    assertThat(lookup(get("/a"))).isEqualTo("old");

    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this));
    assertThat(lookup(get("/a"))).isEqualTo("new");
  }

  @Test
  void aPredicateThatThrowsDoesNotMatchAndTheNextRouteIsTried() {
    table.set(
        List.of(
            route(
                "broken",
                exchange -> {
                  throw new IllegalStateException("broken predicate");
                }),
            route("next", path("/"))));
    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this));
    assertThat(lookup(get("/a"))).isEqualTo("next");
  }

  @Test
  void asynchronousPredicatesAreAwaitedInOrder() {
    AsyncPredicate<ServerWebExchange> later =
        exchange -> Mono.delay(Duration.ofMillis(20)).thenReturn(true);
    AsyncPredicate<ServerWebExchange> laterNo =
        exchange -> Mono.delay(Duration.ofMillis(20)).thenReturn(false);
    table.set(
        List.of(
            route("sync-no", path("/nothing")),
            asyncRoute("async-no", laterNo),
            route("sync-no-2", path("/nothing")),
            asyncRoute("async-yes", later),
            route("sync-yes", path("/"))));
    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this));

    MockServerWebExchange exchange = get("/a");
    assertThat(lookup(exchange)).isEqualTo("async-yes");
    assertThat((String) exchange.getAttribute(GATEWAY_PREDICATE_ROUTE_ATTR)).isEqualTo("async-yes");
  }

  @Test
  void anAsynchronousPredicateThatMatchesIsTakenBeforeLaterRoutes() {
    AsyncPredicate<ServerWebExchange> yes =
        exchange -> Mono.delay(Duration.ofMillis(5)).thenReturn(true);
    table.set(List.of(asyncRoute("first", yes), route("second", path("/"))));
    mapping.onApplicationEvent(new RefreshRoutesResultEvent(this));
    assertThat(lookup(get("/a"))).isEqualTo("first");
  }
}
