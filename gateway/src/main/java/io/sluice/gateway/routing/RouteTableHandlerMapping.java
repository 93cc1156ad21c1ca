package io.sluice.gateway.routing;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_PREDICATE_ROUTE_ATTR;

import java.util.List;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.event.RefreshRoutesResultEvent;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * SCG's route lookup over a list of the routes held in memory, predicates tried in a loop. SCG's
 * own lookup replays the cached routes as a stream on every request (materialized signals, a {@code
 * filterWhen} with a publisher per route tried, the unmatched rest discarded), several percent of a
 * cache hit's CPU. Here the same routes are tried in the same order with the same exchange
 * attributes and error handling; a predicate answering asynchronously (anything but an immediate
 * {@code Mono.just}, {@code empty} or {@code error}, e.g. two predicates joined with {@code and})
 * hands it and the routes after it to SCG's way. The list is taken again whenever SCG's route cache
 * is refreshed ({@link RefreshRoutesResultEvent}); until the first one, SCG's lookup serves.
 */
class RouteTableHandlerMapping extends RoutePredicateHandlerMapping
    implements ApplicationListener<RefreshRoutesResultEvent> {

  private static final Log log = LogFactory.getLog(RouteTableHandlerMapping.class);

  private final RouteLocator routeLocator;

  private volatile List<Route> routes;

  RouteTableHandlerMapping(
      FilteringWebHandler webHandler,
      RouteLocator routeLocator,
      GlobalCorsProperties globalCorsProperties,
      Environment environment) {
    super(webHandler, routeLocator, globalCorsProperties, environment);
    this.routeLocator = routeLocator;
  }

  @Override
  public void onApplicationEvent(RefreshRoutesResultEvent event) {
    if (event.isSuccess()) {
      refresh();
    }
  }

  /** Takes the route list again from SCG's route locator. */
  void refresh() {
    routeLocator
        .getRoutes()
        .collectList()
        .subscribe(
            table -> routes = List.copyOf(table),
            error -> log.error("Could not take the route table; the previous one stays", error));
  }

  /** The routes in use, or null before the first refresh. */
  List<Route> routes() {
    return routes;
  }

  @Override
  protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
    List<Route> table = routes;
    if (table == null) {
      return super.lookupRoute(exchange);
    }
    for (int i = 0; i < table.size(); i++) {
      Route route = table.get(i);
      Publisher<Boolean> answer = test(route, exchange);
      if (!(answer instanceof Fuseable.ScalarCallable<?> immediate)) {
        return asynchronously(answer, table.subList(i + 1, table.size()), route, exchange);
      }
      Object matched;
      try {
        matched = immediate.call();
      } catch (Exception e) {
        return Mono.error(e);
      }
      if (Boolean.TRUE.equals(matched)) {
        validateRoute(route, exchange);
        return Mono.just(route);
      }
    }
    return Mono.empty();
  }

  /** What SCG does for one route: names it in the exchange, then asks its predicate. */
  private static Publisher<Boolean> test(Route route, ServerWebExchange exchange) {
    exchange.getAttributes().put(GATEWAY_PREDICATE_ROUTE_ATTR, route.getId());
    try {
      return route.getPredicate().apply(exchange);
    } catch (Exception e) {
      log.error("Error applying predicate for route: " + route.getId(), e);
      return Mono.just(false);
    }
  }

  /** The lookup from {@code route}, whose predicate answered {@code answer}, on, as SCG does it. */
  private Mono<Route> asynchronously(
      Publisher<Boolean> answer, List<Route> rest, Route route, ServerWebExchange exchange) {
    return Mono.from(answer)
        .flatMap(matched -> matched ? Mono.just(route) : Mono.<Route>empty())
        .switchIfEmpty(
            Mono.defer(() -> Flux.fromIterable(rest).filterWhen(r -> test(r, exchange)).next()))
        .map(
            matched -> {
              validateRoute(matched, exchange);
              return matched;
            });
  }
}
