package io.sluice.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code SluiceRateLimit}: limits a route by the caller's plan, plus an optional limit of the
 * route's own. Every request counts, whatever happens after this filter (cache hits included).
 * Usage: {@code - SluiceRateLimit} or {@code - name: SluiceRateLimit, args: {limit: 5, window:
 * 1s}}.
 */
public class RateLimitGatewayFilterFactory
    extends AbstractGatewayFilterFactory<RateLimitGatewayFilterFactory.Config> {

  private final ResilientRateLimiter limiter;
  private final RateLimitSubjectResolver subjects;
  private final Map<String, List<LimitSpec>> plans;
  private final boolean enabled;

  public RateLimitGatewayFilterFactory(
      ResilientRateLimiter limiter,
      RateLimitSubjectResolver subjects,
      RateLimitProperties properties) {
    super(Config.class);
    this.limiter = limiter;
    this.subjects = subjects;
    this.plans = properties.resolvedPlans();
    this.enabled = properties.enabled();
  }

  @Override
  public String name() {
    return "SluiceRateLimit";
  }

  @Override
  public GatewayFilter apply(Config config) {
    LimitSpec routeLimit = config.toSpec();
    return (exchange, chain) -> {
      if (!enabled) {
        return chain.filter(exchange);
      }
      return subjects
          .resolve(exchange)
          .flatMap(subject -> limiter.consume(subject.client(), limits(subject, routeLimit)))
          .map(decision -> admit(exchange, decision))
          .defaultIfEmpty(Boolean.TRUE)
          .flatMap(admitted -> chain.filter(exchange));
    };
  }

  /** Writes the headers; a refusal becomes an error the central handler renders as a problem. */
  private static Boolean admit(ServerWebExchange exchange, RateLimitDecision decision) {
    RateLimitHeaders.write(exchange.getResponse().getHeaders(), decision);
    if (decision.allowed()) {
      return Boolean.TRUE;
    }
    throw decision.source() == RateLimitDecision.Source.FAIL_CLOSED
        ? RateLimitProblems.unavailable(decision)
        : RateLimitProblems.exceeded(decision);
  }

  private List<LimitSpec> limits(RateLimitSubject subject, LimitSpec routeLimit) {
    List<LimitSpec> planLimits = plans.getOrDefault(subject.plan(), plans.get("free"));
    if (routeLimit == null) {
      return planLimits;
    }
    List<LimitSpec> all = new ArrayList<>(planLimits.size() + 1);
    all.addAll(planLimits);
    all.add(routeLimit);
    return all;
  }

  /** Per-route configuration: an optional extra limit for this route only. */
  public static class Config implements HasRouteId {
    private String routeId = "route";
    private long limit;
    private Duration window = Duration.ofSeconds(1);
    private long burst;

    public long getLimit() {
      return limit;
    }

    public void setLimit(long limit) {
      this.limit = limit;
    }

    public Duration getWindow() {
      return window;
    }

    public void setWindow(Duration window) {
      this.window = window;
    }

    public long getBurst() {
      return burst;
    }

    public void setBurst(long burst) {
      this.burst = burst;
    }

    @Override
    public void setRouteId(String routeId) {
      this.routeId = routeId;
    }

    @Override
    public String getRouteId() {
      return routeId;
    }

    /** The route's own limit, named after the route so each route has its own bucket. */
    LimitSpec toSpec() {
      if (limit <= 0) {
        return null;
      }
      String id = routeId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
      String name = ("route-" + id).substring(0, Math.min(32, 6 + id.length()));
      return new LimitSpec(name, limit, window, Math.max(burst, limit));
    }
  }
}
