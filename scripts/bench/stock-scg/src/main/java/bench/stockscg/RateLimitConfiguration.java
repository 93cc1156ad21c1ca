package bench.stockscg;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import reactor.core.publisher.Mono;

/**
 * The "ratelimit" profile's key resolver: requests are counted per {@code X-API-Key} value, as
 * Sluice counts them per API key. Referenced by name from application-ratelimit.yml.
 */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

  @Bean
  @Profile("ratelimit")
  KeyResolver apiKeyResolver() {
    return exchange ->
        Mono.justOrEmpty(exchange.getRequest().getHeaders().getFirst("X-API-Key"));
  }
}
