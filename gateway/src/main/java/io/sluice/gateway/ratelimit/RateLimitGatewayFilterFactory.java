package io.sluice.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

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
      Mono<RateLimitSubject> subject = subjects.resolve(exchange);
      if (subject instanceof Fuseable.ScalarCallable<?> resolved) {
        return decideNow(resolved, exchange, chain, routeLimit);
      }
      return proceedAfter(
          subject.flatMap(known -> limiter.consume(known.client(), limits(known, routeLimit))),
          exchange,
          chain);
    };
  }

  /**
   * The common case without reactive steps of its own: the subject is known at once ({@code
   * Mono.just} or {@code empty}), and so, usually, is the decision (a token from this replica's
   * lease); the rest of the request then does not run nested inside this filter's operators, which
   * costs every later signal of the request. A decision that needs Redis is awaited as usual.
   */
  private Mono<Void> decideNow(
      Fuseable.ScalarCallable<?> subject,
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      LimitSpec routeLimit) {
    try {
      RateLimitSubject known = (RateLimitSubject) subject.call();
      if (known == null) {
        return chain.filter(exchange);
      }
      Mono<RateLimitDecision> decision = limiter.consume(known.client(), limits(known, routeLimit));
      if (!(decision instanceof Fuseable.ScalarCallable<?> immediate)) {
        return proceedAfter(decision, exchange, chain);
      }
      RateLimitDecision made = (RateLimitDecision) immediate.call();
      if (made != null) {
        admit(exchange, made);
      }
    } catch (Exception e) {
      // A refusal (admit's problem) or a failed resolver, as the reactive path reports them.
      return Mono.error(e);
    }
    return chain.filter(exchange);
  }

  /** The request goes on once {@code decision} admits it (or is empty: nothing to limit). */
  private static Mono<Void> proceedAfter(
      Mono<RateLimitDecision> decision, ServerWebExchange exchange, GatewayFilterChain chain) {
    return decision
        .map(made -> admit(exchange, made))
        .defaultIfEmpty(Boolean.TRUE)
        .flatMap(admitted -> chain.filter(exchange));
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
