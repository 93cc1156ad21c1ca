package io.sluice.gateway.ratelimit;

import io.sluice.testsupport.RedisEndpoint;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A Lettuce connection to a test Redis. The command timeout is generous: connecting must not fail
 * on a busy test machine, and the limiter applies its own tens-of-milliseconds budget on top.
 */
final class RedisFixtures {

  private RedisFixtures() {}

  static LettuceConnectionFactory connect(RedisEndpoint endpoint) {
    RedisStandaloneConfiguration server =
        new RedisStandaloneConfiguration(endpoint.host(), endpoint.port());
    server.setDatabase(endpoint.database());
    LettuceConnectionFactory factory =
        new LettuceConnectionFactory(
            server,
            LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(5)).build());
    factory.afterPropertiesSet();
    factory.start();
    return factory;
  }

  static ReactiveStringRedisTemplate template(LettuceConnectionFactory factory) {
    return new ReactiveStringRedisTemplate(factory);
  }
}
