package io.sluice.users.system;

import io.micrometer.context.ContextRegistry;
import io.sluice.common.requestid.RequestIdMdcAccessor;
import io.sluice.common.requestid.RequestIdWebFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Request ids: the shared filter runs first, and the MDC accessor lets every log line written while
 * a request is processed carry its {@code requestId} (with {@code
 * spring.reactor.context-propagation=auto}).
 */
@Configuration(proxyBeanMethods = false)
class RequestIdConfiguration {

  static {
    // Registered once per JVM: the registry is global, and a second registration would replace
    // the first with an equal accessor anyway.
    ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestIdMdcAccessor());
  }

  @Bean
  RequestIdWebFilter requestIdWebFilter() {
    return new RequestIdWebFilter();
  }
}
