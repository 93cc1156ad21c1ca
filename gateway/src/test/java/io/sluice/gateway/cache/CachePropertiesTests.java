package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

class CachePropertiesTests {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(Bind.class);

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(CacheProperties.class)
  static class Bind {}

  private void rejects(String property, String message) {
    runner
        .withPropertyValues(property)
        .run(
            context ->
                assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(message));
  }

  @Test
  void theDefaultsAreAHalfMinuteOfFreshnessWithStaleWindowsAndAOneMegabyteLimit() {
    runner.run(
        context -> {
          CachePolicy policy = context.getBean(CacheProperties.class).policyOf("users");
          assertThat(policy.enabled()).isTrue();
          assertThat(policy.ttl()).isEqualTo(Duration.ofSeconds(30));
          assertThat(policy.notFoundTtl()).isEqualTo(Duration.ofSeconds(5));
          assertThat(policy.staleIfError()).isEqualTo(Duration.ofMinutes(5));
          assertThat(policy.staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(10));
          assertThat(policy.maxBodyBytes()).isEqualTo(1024 * 1024);
          assertThat(policy.generationTtl()).isGreaterThan(Duration.ofMinutes(10));
        });
  }

  @Test
  void theNearCacheIsOnWithAOneSecondTtl() {
    runner.run(
        context -> {
          CacheProperties.NearCache near = context.getBean(CacheProperties.class).nearCache();
          assertThat(near.enabled()).isTrue();
          assertThat(near.ttl()).isEqualTo(Duration.ofSeconds(1));
        });
  }

  @Test
  void aNearCacheTtlLongerThanAWriteMayWaitIsRejected() {
    rejects("sluice.cache.near-cache.ttl=11s", "sluice.cache.near-cache.ttl must be positive");
    rejects("sluice.cache.near-cache.ttl=0s", "sluice.cache.near-cache.ttl must be positive");
  }

  @Test
  void aRouteOverridesOnlyWhatItSets() {
    runner
        .withPropertyValues(
            "sluice.cache.ttl=20s",
            "sluice.cache.routes.users.ttl=2s",
            "sluice.cache.routes.users.max-body-size=4KB")
        .run(
            context -> {
              CacheProperties properties = context.getBean(CacheProperties.class);
              assertThat(properties.policyOf("users").ttl()).isEqualTo(Duration.ofSeconds(2));
              assertThat(properties.policyOf("users").maxBodyBytes()).isEqualTo(4096);
              assertThat(properties.policyOf("users").staleIfError())
                  .isEqualTo(Duration.ofMinutes(5));
              assertThat(properties.policyOf("other").ttl()).isEqualTo(Duration.ofSeconds(20));
            });
  }

  @Test
  void aRouteCannotCacheWhenTheCacheIsOff() {
    runner
        .withPropertyValues("sluice.cache.enabled=false", "sluice.cache.routes.users.enabled=true")
        .run(
            context ->
                assertThat(context.getBean(CacheProperties.class).policyOf("users").enabled())
                    .isFalse());
  }

  @Test
  void aZeroTtlIsRejectedWithThePropertyName() {
    rejects("sluice.cache.ttl=0s", "sluice.cache.ttl must be positive");
  }

  @Test
  void aBadRouteOverrideIsRejectedWithItsOwnPropertyName() {
    rejects("sluice.cache.routes.users.ttl=0s", "sluice.cache.routes.users.ttl must be positive");
    rejects(
        "sluice.cache.routes.users.stale-if-error=-1s",
        "sluice.cache.routes.users.stale-if-error must not be negative");
  }

  @Test
  void negativeStaleWindowsAndImpossibleSizesAreRejected() {
    rejects("sluice.cache.stale-while-revalidate=-1s", "stale-while-revalidate must not be");
    rejects("sluice.cache.max-body-size=0B", "max-body-size must be between");
    rejects("sluice.cache.max-body-size=100MB", "max-body-size must be between");
    rejects("sluice.cache.resource-depth=0", "resource-depth must be between");
    rejects("sluice.cache.ttl=8d", "must not exceed 7 days");
  }

  @Test
  void aPollIntervalThatCannotFitInTheLeaseIsRejected() {
    rejects(
        "sluice.cache.lease-poll-interval=5s",
        "sluice.cache.lease-poll-interval (PT5S) must be shorter than sluice.cache.lease-ttl");
  }

  @Test
  void budgetsMustBePositive() {
    rejects("sluice.cache.redis-timeout=0ms", "sluice.cache.redis-timeout must be positive");
    rejects("sluice.cache.write-timeout=0ms", "sluice.cache.write-timeout must be positive");
  }
}
