package io.sluice.gateway.resilience;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The one timeout model and the policies around it. A route's timeout is the deadline for the whole
 * upstream exchange up to the response headers, retries and backoff included; every other duration
 * must fit inside it, and impossible combinations fail at startup.
 *
 * @param connectTimeout longest TCP connect to one instance; a connect failure is retried on
 *     another instance
 * @param routeTimeout default deadline per request of a route (504 problem after it)
 * @param routeTimeouts per-route deadlines overriding {@code routeTimeout}, by route id ({@code
 *     users}, {@code keys})
 * @param retry which failures are retried and how
 * @param circuitBreaker the per-route Resilience4j circuit breaker
 */
@ConfigurationProperties("sluice.resilience")
public record ResilienceProperties(
    @DefaultValue("1s") Duration connectTimeout,
    @DefaultValue("5s") Duration routeTimeout,
    @DefaultValue Map<String, Duration> routeTimeouts,
    @DefaultValue Retry retry,
    @DefaultValue CircuitBreaker circuitBreaker) {

  public ResilienceProperties {
    routeTimeouts = Map.copyOf(routeTimeouts);
    requirePositive("sluice.resilience.connect-timeout", connectTimeout);
    requirePositive("sluice.resilience.route-timeout", routeTimeout);
    checkRoute(
        "sluice.resilience.route-timeout", routeTimeout, connectTimeout, retry, circuitBreaker);
    for (Map.Entry<String, Duration> entry : routeTimeouts.entrySet()) {
      String name = "sluice.resilience.route-timeouts." + entry.getKey();
      requirePositive(name, entry.getValue());
      checkRoute(name, entry.getValue(), connectTimeout, retry, circuitBreaker);
    }
  }

  /** The deadline of {@code routeId}. */
  public Duration timeoutOf(String routeId) {
    return routeTimeouts.getOrDefault(routeId, routeTimeout);
  }

  /** The shortest deadline of any route. */
  public Duration shortestRouteTimeout() {
    return routeTimeouts.values().stream()
        .reduce(routeTimeout, (a, b) -> a.compareTo(b) <= 0 ? a : b);
  }

  /** The longest deadline of any route. */
  public Duration longestRouteTimeout() {
    return Collections.max(
        java.util.stream.Stream.concat(
                routeTimeouts.values().stream(), java.util.stream.Stream.of(routeTimeout))
            .toList());
  }

  private static void checkRoute(
      String name, Duration timeout, Duration connect, Retry retry, CircuitBreaker breaker) {
    if (connect.compareTo(timeout) >= 0) {
      throw new IllegalArgumentException(
          name
              + " ("
              + timeout
              + ") must be longer than sluice.resilience.connect-timeout ("
              + connect
              + "): no request could ever connect in time");
    }
    if (retry.maxRetries() > 0 && retry.maxBackoff().compareTo(timeout) >= 0) {
      throw new IllegalArgumentException(
          name
              + " ("
              + timeout
              + ") must be longer than sluice.resilience.retry.max-backoff ("
              + retry.maxBackoff()
              + "): retries must fit inside the route timeout");
    }
    if (breaker.slowCallDuration() != null && breaker.slowCallDuration().compareTo(timeout) > 0) {
      throw new IllegalArgumentException(
          "sluice.resilience.circuit-breaker.slow-call-duration ("
              + breaker.slowCallDuration()
              + ") must not exceed "
              + name
              + " ("
              + timeout
              + "): calls are cut at the route timeout, so the breaker could never see them");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }

  /**
   * Retries: idempotent methods (GET, HEAD, PUT, DELETE) on connect failures, connection resets
   * before a response, and 502/503 answers; each retry goes to a different instance when there is
   * one, after a jittered exponential backoff, and only while the route deadline leaves room.
   *
   * @param maxRetries retries after the first attempt (0 disables retrying)
   * @param firstBackoff backoff before the first retry
   * @param maxBackoff cap on the doubling backoff
   * @param jitter random spread of each backoff, 0 (none) to 1 (anywhere from 0 to twice it)
   * @param connectFailureRetriesAnyMethod whether POST and PATCH are retried when the connection
   *     could not even be opened, so no byte of the request was sent (nginx and Envoy do the same);
   *     once a request was sent they are never retried
   */
  public record Retry(
      @DefaultValue("2") int maxRetries,
      @DefaultValue("25ms") Duration firstBackoff,
      @DefaultValue("250ms") Duration maxBackoff,
      @DefaultValue("0.5") double jitter,
      @DefaultValue("true") boolean connectFailureRetriesAnyMethod) {

    public Retry {
      if (maxRetries < 0 || maxRetries > 5) {
        throw new IllegalArgumentException(
            "sluice.resilience.retry.max-retries must be between 0 and 5");
      }
      requirePositive("sluice.resilience.retry.first-backoff", firstBackoff);
      if (maxBackoff.compareTo(firstBackoff) < 0) {
        throw new IllegalArgumentException(
            "sluice.resilience.retry.max-backoff must not be shorter than first-backoff");
      }
      if (jitter < 0 || jitter > 1) {
        throw new IllegalArgumentException("sluice.resilience.retry.jitter must be in [0, 1]");
      }
    }
  }

  /**
   * A Resilience4j circuit breaker per route, counting one call per client request (after its
   * retries). Failures are what the client would see as the upstream's fault: connect failures,
   * resets, timeouts and 502/503/504 answers. There is deliberately no time limiter: the route
   * deadline is the only timeout, so no breaker default can cut calls short.
   *
   * @param failureRateThreshold failure percentage that opens the breaker
   * @param slidingWindowSize number of recent calls the rate is computed over
   * @param minimumCalls calls needed before the rate is evaluated
   * @param waitInOpenState how long the breaker stays open (503 with Retry-After) before letting
   *     trial calls through
   * @param permittedCallsInHalfOpenState trial calls that decide whether it closes again
   * @param slowCallDuration calls slower than this count as slow ({@code null}: slowness is not
   *     tracked); must not exceed the route timeout
   * @param slowCallRateThreshold percentage of slow calls that opens the breaker
   */
  public record CircuitBreaker(
      @DefaultValue("50") float failureRateThreshold,
      @DefaultValue("20") int slidingWindowSize,
      @DefaultValue("10") int minimumCalls,
      @DefaultValue("10s") Duration waitInOpenState,
      @DefaultValue("3") int permittedCallsInHalfOpenState,
      Duration slowCallDuration,
      @DefaultValue("100") float slowCallRateThreshold) {

    public CircuitBreaker {
      if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
        throw new IllegalArgumentException(
            "sluice.resilience.circuit-breaker.failure-rate-threshold must be in (0, 100]");
      }
      if (slowCallRateThreshold <= 0 || slowCallRateThreshold > 100) {
        throw new IllegalArgumentException(
            "sluice.resilience.circuit-breaker.slow-call-rate-threshold must be in (0, 100]");
      }
      if (slidingWindowSize < 1 || minimumCalls < 1 || permittedCallsInHalfOpenState < 1) {
        throw new IllegalArgumentException(
            "sluice.resilience.circuit-breaker sizes (sliding-window-size, minimum-calls,"
                + " permitted-calls-in-half-open-state) must be at least 1");
      }
      requirePositive("sluice.resilience.circuit-breaker.wait-in-open-state", waitInOpenState);
      if (slowCallDuration != null) {
        requirePositive("sluice.resilience.circuit-breaker.slow-call-duration", slowCallDuration);
      }
    }
  }
}
