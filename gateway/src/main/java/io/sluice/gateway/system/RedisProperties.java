package io.sluice.gateway.system;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Redis is. Redis is optional for serving traffic: the gateway starts, stays ready and
 * proxies without it; features that use it (rate limits, cache) degrade. {@code application.yml}
 * hands both values to Spring Data Redis ({@code spring.data.redis.url}, {@code
 * spring.data.redis.timeout}), which reads host, port, password, user, database and TLS from the
 * URL.
 *
 * @param url {@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://} for TLS
 *     (env {@code REDIS_URL})
 * @param commandTimeout Lettuce's own ceiling for a Redis command, connection set-up included
 *     (Lettuce's default is 60 s). Request-path features apply their own, much shorter budgets on
 *     top ({@code sluice.rate-limit.redis-timeout}, {@code sluice.cache.redis-timeout}, tens of
 *     milliseconds); this one must leave room to (re)connect on a busy host, or Redis would never
 *     come back once a handshake took longer than a request budget
 */
@ConfigurationProperties("sluice.redis")
public record RedisProperties(
    @DefaultValue("redis://localhost:6379") String url,
    @DefaultValue("1s") Duration commandTimeout) {

  public RedisProperties {
    validate(url);
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("sluice.redis.command-timeout must be positive");
    }
  }

  private static void validate(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("REDIS_URL is not a valid URI: " + e.getMessage());
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "REDIS_URL must start with redis:// or rediss://, was " + uri.getScheme() + "://");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("REDIS_URL has no host");
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1 && !path.substring(1).matches("\\d{1,2}")) {
      throw new IllegalArgumentException(
          "REDIS_URL path must be a database number such as /0, was " + path);
    }
  }
}
