package io.sluice.users.system;

import io.sluice.common.token.InternalTokenClaims;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the user-service checks the gateway's internal token.
 *
 * @param secret the HMAC-SHA256 key shared with the gateway ({@code INTERNAL_AUTH_SECRET}); its raw
 *     UTF-8 bytes are the key, at least {@value InternalTokenClaims#MIN_SECRET_BYTES} of them
 * @param clockSkew tolerated clock difference between gateway and service when checking {@code exp}
 *     and {@code iat}; small, because tokens only live 30 to 60 seconds
 */
@ConfigurationProperties("sluice.internal-auth")
record InternalAuthProperties(String secret, @DefaultValue("5s") Duration clockSkew) {

  InternalAuthProperties {
    int length = secret == null ? 0 : secret.getBytes(StandardCharsets.UTF_8).length;
    if (length < InternalTokenClaims.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "INTERNAL_AUTH_SECRET must be set to at least "
              + InternalTokenClaims.MIN_SECRET_BYTES
              + " bytes (it is "
              + length
              + "); it is the HS256 key shared with the gateway");
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(InternalTokenClaims.MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "sluice.internal-auth.clock-skew must be between 0 and "
              + InternalTokenClaims.MAX_LIFETIME
              + " (it is "
              + clockSkew
              + ")");
    }
  }

  byte[] secretBytes() {
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    // Keeps the secret out of logs and failure reports.
    return "InternalAuthProperties[secret=<redacted>, clockSkew=" + clockSkew + "]";
  }
}
