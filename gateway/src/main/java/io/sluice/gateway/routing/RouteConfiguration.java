package io.sluice.gateway.routing;

import io.sluice.gateway.cache.ResponseCacheGatewayFilterFactory;
import io.sluice.gateway.ratelimit.RateLimitGatewayFilterFactory;
import io.sluice.gateway.resilience.ResilienceGatewayFilterFactory;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.GatewayFilterSpec;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.accept.ApiVersionStrategy;

/**
 * The route table. Each route names its path patterns, its backend ({@code lb://<service>}) and its
 * filters in {@link RouteFilterOrder}; a new per-route feature adds one {@code filter(...)} line in
 * {@link #proxyFilters}.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

  /** Route id of the users API. */
  static final String USERS = "users";

  /** Route id of the API keys API (administrators only, enforced by user-service). */
  static final String KEYS = "keys";

  private static final String USER_SERVICE_URI = "lb://" + LoadBalancerConfiguration.USER_SERVICE;

  private static final Set<HttpMethod> PROXIED_METHODS =
      Set.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE);

  @Bean
  RouteLocator sluiceRoutes(
      RouteLocatorBuilder builder,
      RateLimitGatewayFilterFactory rateLimit,
      ResponseCacheGatewayFilterFactory cache,
      ResilienceGatewayFilterFactory resilience) {
    AllowedMethodsGatewayFilter allowedMethods = new AllowedMethodsGatewayFilter(PROXIED_METHODS);
    return builder
        .routes()
        .route(
            USERS,
            r ->
                r.path("/api/users", "/api/users/**")
                    .filters(
                        f ->
                            proxyFilters(f, USERS, allowedMethods, rateLimit, resilience)
                                .filter(
                                    cache.apply(config -> config.setRouteId(USERS)),
                                    RouteFilterOrder.CACHE))
                    .uri(USER_SERVICE_URI))
        .route(
            KEYS,
            r ->
                r.path("/api/keys", "/api/keys/**")
                    .filters(f -> proxyFilters(f, KEYS, allowedMethods, rateLimit, resilience))
                    .uri(USER_SERVICE_URI))
        .build();
  }

  /** SCG's handler mapping with its route lookup over the routes in memory. */
  @Bean
  RouteTableHandlerMapping routePredicateHandlerMapping(
      FilteringWebHandler webHandler,
      RouteLocator routeLocator,
      GlobalCorsProperties globalCorsProperties,
      Environment environment,
      ObjectProvider<ApiVersionStrategy> apiVersionStrategy) {
    RouteTableHandlerMapping mapping =
        new RouteTableHandlerMapping(webHandler, routeLocator, globalCorsProperties, environment);
    apiVersionStrategy.ifAvailable(mapping::setApiVersionStrategy);
    return mapping;
  }

  private static GatewayFilterSpec proxyFilters(
      GatewayFilterSpec filters,
      String routeId,
      AllowedMethodsGatewayFilter allowedMethods,
      RateLimitGatewayFilterFactory rateLimit,
      ResilienceGatewayFilterFactory resilience) {
    return filters
        .filter(allowedMethods, RouteFilterOrder.ALLOWED_METHODS)
        .filter(rateLimit.apply(config -> config.setRouteId(routeId)), RouteFilterOrder.RATE_LIMIT)
        .filter(
            resilience.apply(config -> config.setRouteId(routeId)), RouteFilterOrder.RESILIENCE);
  }
}
