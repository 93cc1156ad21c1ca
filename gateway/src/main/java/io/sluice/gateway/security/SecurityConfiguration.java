package io.sluice.gateway.security;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The internal token and the header filter that puts it on proxied requests. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  InternalTokenIssuer internalTokenIssuer(SecurityProperties properties) {
    return new InternalTokenIssuer(properties, Clock.systemUTC());
  }

  @Bean
  InternalTokenHeadersFilter internalTokenHeadersFilter(InternalTokenIssuer issuer) {
    return new InternalTokenHeadersFilter(issuer);
  }
}
