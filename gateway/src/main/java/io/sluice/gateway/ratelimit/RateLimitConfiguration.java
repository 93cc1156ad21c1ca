package io.sluice.gateway.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.system.RequestPathRedis;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import reactor.core.publisher.Mono;

/** Wires the Redis limiter, its local fallback and the {@code SluiceRateLimit} filter. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RateLimitProperties.class)
class RateLimitConfiguration {

  @Bean
  RedisRateLimiterStore redisRateLimiterStore(RequestPathRedis redis) {
    return new RedisRateLimiterStore(redis);
  }

  @Bean
  ReplicaCensus replicaCensus(
      RequestPathRedis redis, RateLimitProperties properties, MeterRegistry meters) {
    return new ReplicaCensus(redis, properties.replicas(), meters);
  }

  @Bean
  ResilientRateLimiter resilientRateLimiter(
      RedisRateLimiterStore redis,
      RateLimitProperties properties,
      MeterRegistry meters,
      ReplicaCensus census) {
    return new ResilientRateLimiter(
        redis, new LocalRateLimiterStore(), properties, meters, System::nanoTime, census);
  }

  /**
   * Redis is optional: a failed warm-up only means the first decisions may be local, and the census
   * keeps trying every few seconds.
   */
  @EventListener(ApplicationReadyEvent.class)
  void warmUpRedis(ApplicationReadyEvent event) {
    event
        .getApplicationContext()
        .getBean(RedisRateLimiterStore.class)
        .warmUp()
        .onErrorResume(error -> Mono.empty())
        .subscribe();
    event.getApplicationContext().getBean(ReplicaCensus.class).start();
  }

  @Bean
  RateLimitGatewayFilterFactory rateLimitGatewayFilterFactory(
      ResilientRateLimiter limiter,
      RateLimitSubjectResolver subjects,
      RateLimitProperties properties) {
    return new RateLimitGatewayFilterFactory(limiter, subjects, properties);
  }
}
