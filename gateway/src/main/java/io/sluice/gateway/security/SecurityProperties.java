package io.sluice.gateway.security;

import io.sluice.common.token.InternalTokenClaims;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Secrets and the internal token's timing.
 *
 * @param internalAuthSecret HMAC-SHA256 key of the gateway-to-service JWT, used as its raw UTF-8
 *     bytes; at least 32 bytes (env {@code INTERNAL_AUTH_SECRET}, required)
 * @param adminApiKey bootstrap administrator API key (env {@code ADMIN_API_KEY}); accepted now,
 *     used by edge authentication
 * @param tokenLifetime {@code exp - iat} of each internal token; the contract allows at most 60 s
 * @param tokenReuse how long one signed token is reused for the same client identity; shorter than
 *     the lifetime so that a backend never receives a token about to expire
 */
@ConfigurationProperties("sluice.security")
public record SecurityProperties(
    String internalAuthSecret,
    String adminApiKey,
    @DefaultValue("30s") Duration tokenLifetime,
    @DefaultValue("20s") Duration tokenReuse) {

  public SecurityProperties {
    int bytes =
        internalAuthSecret == null ? 0 : internalAuthSecret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < InternalTokenClaims.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "INTERNAL_AUTH_SECRET must be at least "
              + InternalTokenClaims.MIN_SECRET_BYTES
              + " bytes (HS256 key), got "
              + bytes);
    }
    if (tokenLifetime.isNegative()
        || tokenLifetime.isZero()
        || tokenLifetime.compareTo(InternalTokenClaims.MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "sluice.security.token-lifetime must be in (0, "
              + InternalTokenClaims.MAX_LIFETIME.toSeconds()
              + "s], was "
              + tokenLifetime);
    }
    if (tokenReuse.isNegative() || tokenReuse.compareTo(tokenLifetime) >= 0) {
      throw new IllegalArgumentException(
          "sluice.security.token-reuse ("
              + tokenReuse
              + ") must be shorter than token-lifetime ("
              + tokenLifetime
              + ")");
    }
  }

  @Override
  public String toString() {
    return "SecurityProperties[secrets redacted, tokenLifetime="
        + tokenLifetime
        + ", tokenReuse="
        + tokenReuse
        + "]";
  }
}
