package io.sluice.users.system;

import io.sluice.common.token.InternalTokenClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Builds the decoder for the gateway's internal token: HS256 with the shared secret, {@code
 * iss=sluice-gateway}, {@code aud=user-service}, a required {@code exp} that has not passed and is
 * at most {@link InternalTokenClaims#MAX_LIFETIME} ahead (both with a small clock skew).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7519">RFC 7519</a>
 */
final class InternalTokenDecoder {

  private InternalTokenDecoder() {}

  static ReactiveJwtDecoder create(InternalAuthProperties properties, Clock clock) {
    NimbusReactiveJwtDecoder decoder =
        NimbusReactiveJwtDecoder.withSecretKey(
                new SecretKeySpec(properties.secretBytes(), "HmacSHA256"))
            .macAlgorithm(MacAlgorithm.HS256)
            .build();
    decoder.setJwtValidator(validator(properties.clockSkew(), clock));
    return decoder;
  }

  static OAuth2TokenValidator<Jwt> validator(Duration clockSkew, Clock clock) {
    JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
    timestamps.setAllowEmptyExpiryClaim(false);
    timestamps.setClock(clock);
    return new DelegatingOAuth2TokenValidator<>(
        List.of(
            timestamps,
            new JwtIssuerValidator(InternalTokenClaims.ISSUER),
            new JwtAudienceValidator(InternalTokenClaims.USER_SERVICE_AUDIENCE),
            notTooLongLived(clockSkew, clock)));
  }

  /** A stolen token must stop working within a minute, so longer-lived ones are refused. */
  private static OAuth2TokenValidator<Jwt> notTooLongLived(Duration clockSkew, Clock clock) {
    return jwt -> {
      Instant latest = clock.instant().plus(InternalTokenClaims.MAX_LIFETIME).plus(clockSkew);
      if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isAfter(latest)) {
        return OAuth2TokenValidatorResult.failure(
            new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "exp is too far in the future", null));
      }
      return OAuth2TokenValidatorResult.success();
    };
  }
}
