package io.sluice.gateway.observability;

import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Access log and trace propagation to backends. Tracing (W3C traceparent) and metrics come from
 * Boot's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

  @Bean
  AccessLogWebFilter accessLogWebFilter() {
    return new AccessLogWebFilter();
  }

  @Bean
  TraceContextHeadersFilter traceContextHeadersFilter(ObjectProvider<Propagator> propagator) {
    return new TraceContextHeadersFilter(propagator.getIfAvailable(() -> Propagator.NOOP));
  }
}
