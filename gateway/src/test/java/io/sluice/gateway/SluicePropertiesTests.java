package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.resilience.ResilienceProperties;
import io.sluice.gateway.routing.RoutingProperties;
import io.sluice.gateway.routing.UpstreamClientProperties;
import io.sluice.gateway.security.SecurityProperties;
import io.sluice.gateway.system.EdgeProperties;
import io.sluice.gateway.system.RedisProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The configuration rejects impossible values with a message naming the setting. */
class SluicePropertiesTests {

  static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
  }

  static void rejects(String prefix, Class<?> type, Map<String, String> values, String message) {
    assertThatThrownBy(() -> bind(prefix, type, values))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining(message);
  }

  @Test
  void resilienceDefaultsAreTheDocumentedOnes() {
    ResilienceProperties properties =
        bind("sluice.resilience", ResilienceProperties.class, Map.of());
    assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(properties.timeoutOf("users")).isEqualTo(Duration.ofSeconds(5));
    assertThat(properties.retry().maxRetries()).isEqualTo(2);
    assertThat(properties.circuitBreaker().slowCallDuration()).isNull();
  }

  @Test
  void aPerRouteTimeoutOverridesTheDefault() {
    ResilienceProperties properties =
        bind(
            "sluice.resilience",
            ResilienceProperties.class,
            Map.of("sluice.resilience.route-timeouts.keys", "2s"));
    assertThat(properties.timeoutOf("keys")).isEqualTo(Duration.ofSeconds(2));
    assertThat(properties.shortestRouteTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(properties.longestRouteTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aRouteTimeoutNotLongerThanTheConnectTimeoutIsRejected() {
    rejects(
        "sluice.resilience",
        ResilienceProperties.class,
        Map.of("sluice.resilience.route-timeouts.users", "1s"),
        "must be longer than sluice.resilience.connect-timeout");
  }

  @Test
  void aRetryBackoffThatCannotFitInTheRouteTimeoutIsRejected() {
    rejects(
        "sluice.resilience",
        ResilienceProperties.class,
        Map.of(
            "sluice.resilience.retry.first-backoff", "1s",
            "sluice.resilience.retry.max-backoff", "6s"),
        "retries must fit inside the route timeout");
  }

  @Test
  void aCircuitBreakerSlowCallDurationLongerThanTheRouteTimeoutIsRejected() {
    rejects(
        "sluice.resilience",
        ResilienceProperties.class,
        Map.of("sluice.resilience.circuit-breaker.slow-call-duration", "10s"),
        "calls are cut at the route timeout");
  }

  @Test
  void aFailureRateAbove100IsRejected() {
    rejects(
        "sluice.resilience",
        ResilienceProperties.class,
        Map.of("sluice.resilience.circuit-breaker.failure-rate-threshold", "150"),
        "failure-rate-threshold");
  }

  @Test
  void aShortInternalAuthSecretIsRejected() {
    rejects(
        "sluice.security",
        SecurityProperties.class,
        Map.of("sluice.security.internal-auth-secret", "too-short"),
        "INTERNAL_AUTH_SECRET must be at least 32 bytes");
  }

  @Test
  void aMissingInternalAuthSecretIsRejected() {
    rejects(
        "sluice.security",
        SecurityProperties.class,
        Map.of("sluice.security.token-lifetime", "30s"),
        "INTERNAL_AUTH_SECRET must be at least 32 bytes (HS256 key), got 0");
  }

  @Test
  void aTokenLifetimeOverTheContractsMinuteIsRejected() {
    rejects(
        "sluice.security",
        SecurityProperties.class,
        Map.of(
            "sluice.security.internal-auth-secret",
            "x".repeat(32),
            "sluice.security.token-lifetime",
            "90s"),
        "token-lifetime");
  }

  @Test
  void tokenReuseMustBeShorterThanItsLifetime() {
    rejects(
        "sluice.security",
        SecurityProperties.class,
        Map.of(
            "sluice.security.internal-auth-secret",
            "x".repeat(32),
            "sluice.security.token-reuse",
            "30s"),
        "token-reuse");
  }

  @Test
  void secretsNeverAppearInToString() {
    SecurityProperties properties =
        bind(
            "sluice.security",
            SecurityProperties.class,
            Map.of(
                "sluice.security.internal-auth-secret",
                "s".repeat(40),
                "sluice.security.admin-api-key",
                "admin-key-value"));
    assertThat(properties.toString()).doesNotContain("sss").doesNotContain("admin-key-value");
  }

  @Test
  void userServiceUrisAreACommaSeparatedListOfBaseUris() {
    RoutingProperties properties =
        bind(
            "sluice.routing",
            RoutingProperties.class,
            Map.of(
                "sluice.routing.user-service-uris",
                "http://127.0.0.1:8081,http://user-service:8082"));
    assertThat(properties.userServiceUris()).hasSize(2);
  }

  @Test
  void aUserServiceUriWithAPathOrOtherSchemeIsRejected() {
    rejects(
        "sluice.routing",
        RoutingProperties.class,
        Map.of("sluice.routing.user-service-uris", "http://host:8081/api"),
        "must not have a path");
    rejects(
        "sluice.routing",
        RoutingProperties.class,
        Map.of("sluice.routing.user-service-uris", "ftp://host"),
        "must be http:// or https://");
  }

  @Test
  void anEjectionCapShorterThanItsBaseIsRejected() {
    rejects(
        "sluice.routing",
        RoutingProperties.class,
        Map.of(
            "sluice.routing.ejection.base-duration", "10s",
            "sluice.routing.ejection.max-duration", "5s"),
        "must not be shorter than base-duration");
  }

  @Test
  void aConnectionLifetimeNotLongerThanItsIdleTimeIsRejected() {
    rejects(
        "sluice.upstream-client",
        UpstreamClientProperties.class,
        Map.of(
            "sluice.upstream-client.max-idle-time", "10s",
            "sluice.upstream-client.max-life-time", "5s"),
        "max-life-time");
  }

  @Test
  void singleWritesDefaultTo64KibibytesAndAreBounded() {
    UpstreamClientProperties defaults =
        bind("sluice.upstream-client", UpstreamClientProperties.class, Map.of());
    assertThat(defaults.singleWriteLimit().toBytes()).isEqualTo(64 * 1024);
    assertThat(
            bind(
                    "sluice.upstream-client",
                    UpstreamClientProperties.class,
                    Map.of("sluice.upstream-client.single-write-limit", "0"))
                .singleWriteLimit()
                .toBytes())
        .isZero();
    rejects(
        "sluice.upstream-client",
        UpstreamClientProperties.class,
        Map.of("sluice.upstream-client.single-write-limit", "2MB"),
        "single-write-limit");
    rejects(
        "sluice.upstream-client",
        UpstreamClientProperties.class,
        Map.of("sluice.upstream-client.single-write-limit", "-1B"),
        "single-write-limit");
  }

  @Test
  void edgeLimitsDefaultToOneMebibyteBodiesAndEightKibibyteHeaders() {
    EdgeProperties properties = bind("sluice.edge", EdgeProperties.class, Map.of());
    assertThat(properties.maxBodySize().toBytes()).isEqualTo(1024 * 1024);
    assertThat(properties.maxHeaderSize().toBytes()).isEqualTo(8 * 1024);
    assertThat(properties.trustedProxies()).isEmpty();
  }

  @Test
  void redisUrlsMustBeRedisOrRedissWithAHostAndANumericDatabase() {
    assertThat(
            bind(
                    "sluice.redis",
                    RedisProperties.class,
                    Map.of("sluice.redis.url", "rediss://:pw@cache.example:6380/2"))
                .url())
        .isEqualTo("rediss://:pw@cache.example:6380/2");
    rejects(
        "sluice.redis",
        RedisProperties.class,
        Map.of("sluice.redis.url", "http://localhost:6379"),
        "REDIS_URL must start with redis:// or rediss://");
    rejects(
        "sluice.redis",
        RedisProperties.class,
        Map.of("sluice.redis.url", "redis://localhost:6379/cache"),
        "must be a database number");
  }

  @Test
  void theRedisCommandTimeoutDefaultsToOneSecondLeavingRequestBudgetsToTheFeatures() {
    assertThat(bind("sluice.redis", RedisProperties.class, Map.of()).commandTimeout())
        .isEqualTo(Duration.ofSeconds(1));
  }
}
