package io.sluice.gateway.system;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Sluice's own web filters that sit next to each other in the filter order, run as one web filter.
 * Spring's filter chain subscribes every filter through a deferring operator and a named
 * checkpoint, two more layers that every later signal of the request passes through, five times
 * over for the request id, access log, error rendering, limits and authentication. Here each filter
 * calls the next directly, in the same order, with the exchange it hands on; a filter that throws
 * instead of returning an error still produces one, as under Spring's chain. The filters stay beans
 * of their own; only how they are chained changes.
 */
final class EdgeWebFilters implements WebFilter, Ordered {

  private static final String SLUICE = "io.sluice.";

  private final List<WebFilter> filters;

  private final int order;

  private EdgeWebFilters(List<WebFilter> filters, int order) {
    this.filters = List.copyOf(filters);
    this.order = order;
  }

  /** Combines the runs of Sluice filters in the application's sorted web filter list. */
  static WebHttpHandlerBuilderCustomizer customizer() {
    return builder -> builder.filters(EdgeWebFilters::combine);
  }

  /**
   * Replaces each run of two or more consecutive Sluice filters in {@code sorted} (in Spring's
   * order) by one filter running them in that order at the run's place.
   */
  static void combine(List<WebFilter> sorted) {
    List<WebFilter> combined = new ArrayList<>(sorted.size());
    List<WebFilter> run = new ArrayList<>();
    for (WebFilter filter : sorted) {
      if (isSluice(filter)) {
        run.add(filter);
      } else {
        flush(run, combined);
        combined.add(filter);
      }
    }
    flush(run, combined);
    sorted.clear();
    sorted.addAll(combined);
  }

  private static void flush(List<WebFilter> run, List<WebFilter> into) {
    if (run.size() == 1) {
      into.add(run.get(0));
    } else if (run.size() > 1) {
      int first = run.get(0) instanceof Ordered ordered ? ordered.getOrder() : LOWEST_PRECEDENCE;
      into.add(new EdgeWebFilters(run, first));
    }
    run.clear();
  }

  private static boolean isSluice(WebFilter filter) {
    return filter.getClass().getName().startsWith(SLUICE);
  }

  /** The filters this one runs, in order. */
  List<WebFilter> filters() {
    return filters;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    return invoke(0, exchange, chain);
  }

  private Mono<Void> invoke(int index, ServerWebExchange exchange, WebFilterChain rest) {
    if (index == filters.size()) {
      return rest.filter(exchange);
    }
    try {
      return filters.get(index).filter(exchange, next -> invoke(index + 1, next, rest));
    } catch (RuntimeException e) {
      return Mono.error(e);
    }
  }

  @Override
  public int getOrder() {
    return order;
  }

  /** Constant: Spring's filter chain names a checkpoint after it on every request. */
  @Override
  public String toString() {
    return "EdgeWebFilters";
  }
}
