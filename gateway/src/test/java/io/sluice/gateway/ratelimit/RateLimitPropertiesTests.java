package io.sluice.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class RateLimitPropertiesTests {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(RateLimitProperties.class)
  static class PropertiesOnly {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner().withUserConfiguration(PropertiesOnly.class);

  @Test
  void withoutConfigurationTheDefaultPlansAreFreeStandardAndPartner() {
    runner.run(
        context -> {
          RateLimitProperties properties = context.getBean(RateLimitProperties.class);
          assertThat(properties.resolvedPlans()).containsKeys("free", "standard", "partner");
          assertThat(properties.resolvedPlans().get("free").get(0))
              .isEqualTo(new LimitSpec("second", 10, java.time.Duration.ofSeconds(1), 20));
          assertThat(properties.resolvedPlans().get("partner").get(0).limit())
              .isGreaterThanOrEqualTo(10_000);
          assertThat(properties.degradedMode())
              .isEqualTo(RateLimitProperties.DegradedMode.LOCAL_FALLBACK);
          assertThat(properties.redisTimeout()).isEqualTo(java.time.Duration.ofMillis(50));
        });
  }

  @Test
  void aPlanWithSeveralLimitsKeepsThemAll() {
    runner
        .withPropertyValues(
            "sluice.rate-limit.plans.gold.second.limit=50",
            "sluice.rate-limit.plans.gold.second.window=1s",
            "sluice.rate-limit.plans.gold.second.burst=80",
            "sluice.rate-limit.plans.gold.minute.limit=1000",
            "sluice.rate-limit.plans.gold.minute.window=1m")
        .run(
            context ->
                assertThat(context.getBean(RateLimitProperties.class).resolvedPlans().get("gold"))
                    .extracting(LimitSpec::name, LimitSpec::burst)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("second", 80L),
                        org.assertj.core.groups.Tuple.tuple("minute", 1000L)));
  }

  @Test
  void aConfiguredPlanIsAddedToTheBuiltInPlansOrReplacesOneOfTheSameName() {
    runner
        .withPropertyValues(
            "sluice.rate-limit.plans.tiny.minute.limit=6",
            "sluice.rate-limit.plans.tiny.minute.window=1m",
            "sluice.rate-limit.plans.free.second.limit=1",
            "sluice.rate-limit.plans.free.second.window=1s")
        .run(
            context -> {
              var plans = context.getBean(RateLimitProperties.class).resolvedPlans();
              assertThat(plans).containsKeys("free", "standard", "partner", "tiny");
              assertThat(plans.get("free"))
                  .containsExactly(LimitSpec.of("second", 1, java.time.Duration.ofSeconds(1)));
            });
  }

  @Test
  void aBurstBelowTheLimitIsRejectedAtStartupNamingThePlan() {
    runner
        .withPropertyValues(
            "sluice.rate-limit.plans.bad.second.limit=10",
            "sluice.rate-limit.plans.bad.second.window=1s",
            "sluice.rate-limit.plans.bad.second.burst=5")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("sluice.rate-limit.plans.bad")
                    .hasMessageContaining("burst (5) must be at least limit (10)"));
  }

  @Test
  void aZeroWindowIsRejectedAtStartup() {
    runner
        .withPropertyValues(
            "sluice.rate-limit.plans.bad.second.limit=10",
            "sluice.rate-limit.plans.bad.second.window=0s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("window must be at least 1ms"));
  }

  @Test
  void aZeroLimitIsRejectedAtStartup() {
    runner
        .withPropertyValues(
            "sluice.rate-limit.plans.bad.second.limit=0",
            "sluice.rate-limit.plans.bad.second.window=1s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("limit must be at least 1"));
  }

  @Test
  void zeroReplicasAndAZeroRedisTimeoutAreRejected() {
    runner
        .withPropertyValues("sluice.rate-limit.replicas=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("replicas must be at least 1"));
    runner
        .withPropertyValues("sluice.rate-limit.redis-timeout=0ms")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("redis-timeout must be positive"));
  }

  @Test
  void leasingIsOnByDefaultWithBatchesOfAtMost100TokensFor100Ms() {
    runner.run(
        context ->
            assertThat(context.getBean(RateLimitProperties.class).lease())
                .isEqualTo(new RateLimitProperties.Lease(true, 100, Duration.ofMillis(100))));
  }

  @Test
  void leasingSettingsBindAndLeasingTurnsOffFromTheEnvironment() {
    runner
        .withPropertyValues(
            "sluice.rate-limit.lease.max-tokens=20", "sluice.rate-limit.lease.max-age=250ms")
        .withInitializer(
            context ->
                context
                    .getEnvironment()
                    .getPropertySources()
                    .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of("SLUICE_RATELIMIT_LEASE_ENABLED", "false"))))
        .run(
            context ->
                assertThat(context.getBean(RateLimitProperties.class).lease())
                    .isEqualTo(new RateLimitProperties.Lease(false, 20, Duration.ofMillis(250))));
  }

  @Test
  void leaseSettingsThatCannotWorkAreRejectedAtStartupNamingTheProperty() {
    runner
        .withPropertyValues("sluice.rate-limit.lease.max-tokens=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("sluice.rate-limit.lease.max-tokens must be at least 1"));
    for (String maxAge : List.of("0ms", "-5ms", "2s")) {
      runner
          .withPropertyValues("sluice.rate-limit.lease.max-age=" + maxAge)
          .run(
              context ->
                  assertThat(context)
                      .getFailure()
                      .rootCause()
                      .hasMessageContaining(
                          "sluice.rate-limit.lease.max-age must be positive and at most 1s"));
    }
  }

  @Test
  void theLocalShareOfALimitIsItsLimitDividedByTheReplicas() {
    LimitSpec spec = new LimitSpec("second", 100, java.time.Duration.ofSeconds(1), 200);
    assertThat(spec.perReplica(4))
        .isEqualTo(new LimitSpec("second", 25, java.time.Duration.ofSeconds(1), 50));
    assertThat(LimitSpec.of("tiny", 1, java.time.Duration.ofSeconds(1)).perReplica(3).limit())
        .isEqualTo(1);
  }
}
