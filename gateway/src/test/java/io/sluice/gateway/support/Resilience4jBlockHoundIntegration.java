package io.sluice.gateway.support;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Resilience4j's circuit breaker takes a short {@code ReentrantLock} when an open breaker's wait
 * has passed, so that exactly one caller moves it to half-open; under concurrent requests
 * BlockHound reports the park as blocking. The lock guards only that transition, so it is allowed
 * here (tests only; installed via ServiceLoader).
 */
public class Resilience4jBlockHoundIntegration implements BlockHoundIntegration {

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.allowBlockingCallsInside(
        "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine$OpenState",
        "toHalfOpenState");
  }
}
