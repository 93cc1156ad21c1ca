package io.sluice.gateway.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Edge authentication with API keys, under {@code sluice.api-keys}.
 *
 * @param enabled whether {@code /api/**} requires an API key. Only for benchmarks and diagnosis
 *     behind another authenticating proxy: without it every caller is anonymous, holds no scope,
 *     and user-service refuses it
 * @param cacheTtl how long a verification answer may be used; bounds how late a revocation takes
 *     effect on a replica, so at most 5 s
 * @param refreshAfter after this age a cached answer is still served but refreshed in the
 *     background, so busy keys never wait for user-service
 * @param negativeTtl how long an unknown key stays known as unknown (shields user-service from
 *     floods of the same bad key)
 * @param maxCached most keys held in the cache; beyond it the cache is emptied and refilled
 * @param verifyTimeout how long a verification call to user-service may take
 * @param lookupsPerMinute verifications a client address may cause per minute (keys not already
 *     cached as valid); more are refused with 429, which stops key guessing
 * @param adminPlan the plan of the bootstrap administrator key ({@code ADMIN_API_KEY})
 */
@ConfigurationProperties("sluice.api-keys")
public record ApiKeyProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("4s") Duration cacheTtl,
    @DefaultValue("2s") Duration refreshAfter,
    @DefaultValue("2s") Duration negativeTtl,
    @DefaultValue("100000") int maxCached,
    @DefaultValue("2s") Duration verifyTimeout,
    @DefaultValue("60") int lookupsPerMinute,
    @DefaultValue("partner") String adminPlan) {

  /** Revocations must reach every replica within this. */
  static final Duration MAX_CACHE_TTL = Duration.ofSeconds(5);

  public ApiKeyProperties {
    if (cacheTtl.isNegative() || cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
      throw new IllegalArgumentException(
          "sluice.api-keys.cache-ttl must be between 0 and 5s (revocations take effect within it),"
              + " was "
              + cacheTtl);
    }
    if (refreshAfter.compareTo(cacheTtl) > 0) {
      throw new IllegalArgumentException(
          "sluice.api-keys.refresh-after (" + refreshAfter + ") must not exceed cache-ttl");
    }
    if (negativeTtl.compareTo(MAX_CACHE_TTL) > 0 || negativeTtl.isNegative()) {
      throw new IllegalArgumentException(
          "sluice.api-keys.negative-ttl must be between 0 and 5s, was " + negativeTtl);
    }
    if (maxCached < 1 || lookupsPerMinute < 1) {
      throw new IllegalArgumentException(
          "sluice.api-keys.max-cached and lookups-per-minute must be at least 1");
    }
  }
}
