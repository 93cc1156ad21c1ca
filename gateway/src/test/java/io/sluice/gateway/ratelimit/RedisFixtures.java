package io.sluice.gateway.ratelimit;

import io.lettuce.core.resource.ClientResources;
import io.sluice.gateway.system.RedisProperties;
import io.sluice.gateway.system.RequestPathRedis;
import io.sluice.testsupport.RedisEndpoint;
import java.time.Duration;

/**
 * A connection to a test Redis, as the gateway makes it. The command timeout is generous:
 * connecting must not fail on a busy test machine, and the limiter applies its own
 * tens-of-milliseconds budget on top.
 */
final class RedisFixtures {

  private static final ClientResources RESOURCES = ClientResources.create();

  private RedisFixtures() {}

  static RequestPathRedis connect(RedisEndpoint endpoint) {
    return new RequestPathRedis(
        new RedisProperties(endpoint.uri(), Duration.ofSeconds(5)), RESOURCES);
  }
}
