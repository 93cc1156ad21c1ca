package io.sluice.gateway.observability;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Access log. Tracing (W3C traceparent) and metrics come from Boot's auto-configuration. */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

  @Bean
  AccessLogWebFilter accessLogWebFilter() {
    return new AccessLogWebFilter();
  }
}
