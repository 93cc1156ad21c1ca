package io.sluice.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Resilience4j's circuit breaker takes short {@code ReentrantLock}s: when an open breaker's wait
 * has passed, so that exactly one caller moves it to half-open, and around every update of its
 * sliding window. Under concurrent requests BlockHound reports the park as blocking. The locks
 * guard only in-memory updates, so they are allowed here (tests only; installed via ServiceLoader).
 */
public class Resilience4jBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine$OpenState",
        "toHalfOpenState");
    // Every recorded call updates the sliding window under a lock of its own.
    for (String window :
        new String[] {
          "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics",
          "io.github.resilience4j.core.metrics.SlidingTimeWindowMetrics"
        }) {
      builder.allowBlockingCallsInside(window, "record");
      builder.allowBlockingCallsInside(window, "getSnapshot");
    }
  }
}
