package io.sluice.gateway.cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.system.RequestPathRedis;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import reactor.core.publisher.Mono;

/** Wires the Redis store, the manager and the {@code SluiceCache} filter factory. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CacheProperties.class)
class CacheConfiguration {

  @Bean
  RedisResponseCacheStore redisResponseCacheStore(RequestPathRedis redis) {
    return new RedisResponseCacheStore(redis);
  }

  @Bean
  ResponseCacheManager responseCacheManager(
      RedisResponseCacheStore store, CacheProperties properties, MeterRegistry meters) {
    ResponseCacheManager manager =
        new ResponseCacheManager(store, properties, System::currentTimeMillis);
    Gauge.builder("sluice.cache.degraded", manager, m -> m.degraded() ? 1 : 0)
        .description("1 while the response cache is bypassed because Redis fails")
        .register(meters);
    return manager;
  }

  @Bean
  ResponseCacheGatewayFilterFactory responseCacheGatewayFilterFactory(
      CacheProperties properties, ResponseCacheManager manager, MeterRegistry meters) {
    return new ResponseCacheGatewayFilterFactory(properties, manager, meters);
  }

  /** Redis is optional: a failed warm-up only means the first lookups may bypass the cache. */
  @EventListener(ApplicationReadyEvent.class)
  void warmUpRedis(ApplicationReadyEvent event) {
    event
        .getApplicationContext()
        .getBean(RedisResponseCacheStore.class)
        .warmUp()
        .onErrorResume(error -> Mono.empty())
        .subscribe();
  }
}
