package io.sluice.gateway.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker per route, and how long an open one still refuses calls (for
 * {@code Retry-After}).
 */
public class RouteCircuitBreakers {

  private static final Logger log = LoggerFactory.getLogger(RouteCircuitBreakers.class);

  private final CircuitBreakerRegistry registry;

  private final Duration waitInOpenState;

  private final Map<String, Long> openedAt = new ConcurrentHashMap<>();

  public RouteCircuitBreakers(CircuitBreakerRegistry registry, Duration waitInOpenState) {
    this.registry = registry;
    this.waitInOpenState = waitInOpenState;
  }

  /** The registry configuration Sluice's breakers use. */
  public static CircuitBreakerConfig config(ResilienceProperties.CircuitBreaker properties) {
    CircuitBreakerConfig.Builder builder =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(properties.slidingWindowSize())
            .minimumNumberOfCalls(properties.minimumCalls())
            .failureRateThreshold(properties.failureRateThreshold())
            .waitDurationInOpenState(properties.waitInOpenState())
            .permittedNumberOfCallsInHalfOpenState(properties.permittedCallsInHalfOpenState())
            .slowCallRateThreshold(properties.slowCallRateThreshold())
            // Open -> half-open on the next call after the wait; no timer thread needed.
            .automaticTransitionFromOpenToHalfOpenEnabled(false);
    if (properties.slowCallDuration() != null) {
      builder.slowCallDurationThreshold(properties.slowCallDuration());
    } else {
      builder.slowCallDurationThreshold(Duration.ofDays(1));
    }
    return builder.build();
  }

  /** The breaker of {@code routeId}, created on first use. */
  public CircuitBreaker forRoute(String routeId) {
    CircuitBreaker breaker = registry.circuitBreaker(routeId);
    if (openedAt.putIfAbsent(routeId, 0L) != null) {
      return breaker;
    }
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                openedAt.put(routeId, System.nanoTime());
              }
              log.warn("Circuit breaker of route {}: {}", routeId, event.getStateTransition());
            });
    return breaker;
  }

  /** How long until {@code breaker} lets a trial call through; at least a millisecond. */
  public Duration retryAfter(CircuitBreaker breaker) {
    Long opened = openedAt.get(breaker.getName());
    if (breaker.getState() == CircuitBreaker.State.OPEN && opened != null) {
      long remaining = waitInOpenState.toNanos() - (System.nanoTime() - opened);
      return Duration.ofNanos(Math.max(remaining, 1_000_000));
    }
    // Half-open with all trial permits taken: the trials decide within one route timeout.
    return Duration.ofSeconds(1);
  }
}
