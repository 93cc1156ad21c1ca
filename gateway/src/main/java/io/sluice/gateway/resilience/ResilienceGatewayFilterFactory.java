package io.sluice.gateway.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.sluice.gateway.routing.UpstreamInstances;
import java.time.Duration;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.stereotype.Component;

/**
 * The resilience filter of a route: route deadline, circuit breaker and retries around the
 * load-balanced upstream call. {@link #apply} resolves the route's policy once; the returned filter
 * only runs an {@link UpstreamCall} per request.
 */
@Component
public class ResilienceGatewayFilterFactory
    extends AbstractGatewayFilterFactory<ResilienceGatewayFilterFactory.Config> {

  private final ResilienceProperties properties;

  private final RouteCircuitBreakers breakers;

  private final UpstreamInstances instances;

  private final RetryPolicy retry;

  public ResilienceGatewayFilterFactory(
      ResilienceProperties properties, RouteCircuitBreakers breakers, UpstreamInstances instances) {
    super(Config.class);
    this.properties = properties;
    this.breakers = breakers;
    this.instances = instances;
    this.retry = new RetryPolicy(properties.retry());
  }

  @Override
  public List<String> shortcutFieldOrder() {
    return List.of("routeId");
  }

  @Override
  public GatewayFilter apply(Config config) {
    String routeId = config.getRouteId();
    if (routeId == null) {
      throw new IllegalArgumentException("The Resilience filter needs a routeId");
    }
    RoutePolicy policy =
        new RoutePolicy(
            properties.timeoutOf(routeId), breakers.forRoute(routeId), breakers, retry, instances);
    return (exchange, chain) -> new UpstreamCall(exchange, chain, policy).run();
  }

  /** Everything an {@link UpstreamCall} needs, resolved once per route. */
  record RoutePolicy(
      Duration timeout,
      CircuitBreaker breaker,
      RouteCircuitBreakers breakers,
      RetryPolicy retry,
      UpstreamInstances instances) {}

  /** Per-route configuration; a JavaBean because SCG instantiates and binds it. */
  public static class Config {

    private String routeId;

    /** The route the filter guards; names its timeout and circuit breaker. */
    public String getRouteId() {
      return routeId;
    }

    public void setRouteId(String routeId) {
      this.routeId = routeId;
    }
  }
}
