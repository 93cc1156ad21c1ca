package io.sluice.gateway.cache;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;

/**
 * {@code SluiceCache}: the route's responses are cached in Redis, shared by every gateway replica
 * and invalidated by writes through any of them. {@link #apply} resolves the route's policy and
 * meters once; the filter does only per-request work. The route's settings come from {@code
 * sluice.cache} and {@code sluice.cache.routes.<route id>}.
 */
public class ResponseCacheGatewayFilterFactory
    extends AbstractGatewayFilterFactory<ResponseCacheGatewayFilterFactory.Config> {

  private final CacheProperties properties;
  private final ResponseCacheManager manager;
  private final MeterRegistry meters;

  ResponseCacheGatewayFilterFactory(
      CacheProperties properties, ResponseCacheManager manager, MeterRegistry meters) {
    super(Config.class);
    this.properties = properties;
    this.manager = manager;
    this.meters = meters;
  }

  @Override
  public String name() {
    return "SluiceCache";
  }

  @Override
  public List<String> shortcutFieldOrder() {
    return List.of("routeId");
  }

  @Override
  public GatewayFilter apply(Config config) {
    String routeId = config.getRouteId();
    if (routeId == null || routeId.isBlank()) {
      throw new IllegalArgumentException("The SluiceCache filter needs a routeId");
    }
    return new ResponseCacheGatewayFilter(
        new RouteCache(
            routeId, properties.policyOf(routeId), manager, new CacheMetrics(meters, routeId)));
  }

  /** Per-route configuration; a JavaBean because SCG instantiates and binds it. */
  public static class Config implements HasRouteId {

    private String routeId;

    /** The route cached; names its settings ({@code sluice.cache.routes.<id>}) and meters. */
    @Override
    public String getRouteId() {
      return routeId;
    }

    @Override
    public void setRouteId(String routeId) {
      this.routeId = routeId;
    }
  }
}
