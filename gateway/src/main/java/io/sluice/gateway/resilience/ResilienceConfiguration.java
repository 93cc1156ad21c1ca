package io.sluice.gateway.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Circuit breakers: Sluice's own registry, configured from {@link ResilienceProperties}. */
@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

  @Bean
  CircuitBreakerRegistry circuitBreakerRegistry(
      ResilienceProperties properties, ObjectProvider<MeterRegistry> meters) {
    CircuitBreakerRegistry registry =
        CircuitBreakerRegistry.of(RouteCircuitBreakers.config(properties.circuitBreaker()));
    meters.ifAvailable(
        meterRegistry ->
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meterRegistry));
    return registry;
  }

  @Bean
  RouteCircuitBreakers routeCircuitBreakers(
      CircuitBreakerRegistry registry, ResilienceProperties properties) {
    return new RouteCircuitBreakers(registry, properties.circuitBreaker().waitInOpenState());
  }
}
