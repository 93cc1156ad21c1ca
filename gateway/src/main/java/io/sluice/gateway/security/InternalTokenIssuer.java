package io.sluice.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.common.token.InternalTokenClaims;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints the internal gateway-to-service JWT (HS256, {@link InternalTokenClaims}). Signing per
 * request would put JSON encoding and an HMAC on the hot path, so each identity's token is reused
 * for {@code tokenReuse}, well before its {@code exp}.
 */
public class InternalTokenIssuer {

  /** Bounds the cache; identities are few (one per API key) but must not grow without limit. */
  private static final int MAX_CACHED = 10_000;

  private final MACSigner signer;

  private final JWSHeader header = new JWSHeader(JWSAlgorithm.HS256);

  private final long lifetimeMillis;

  private final long reuseMillis;

  private final Clock clock;

  private final Map<ClientIdentity, Token> cache = new ConcurrentHashMap<>();

  public InternalTokenIssuer(SecurityProperties properties, Clock clock) {
    try {
      this.signer = new MACSigner(properties.internalAuthSecret().getBytes(StandardCharsets.UTF_8));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("INTERNAL_AUTH_SECRET cannot be used as an HS256 key", e);
    }
    this.lifetimeMillis = properties.tokenLifetime().toMillis();
    this.reuseMillis = properties.tokenReuse().toMillis();
    this.clock = clock;
    // Sign once now: provider lookups and class loading happen at startup, not on an event loop.
    bearerFor(ClientIdentity.ANONYMOUS);
  }

  /** {@code Bearer <jwt>} for {@code identity}, signed at most {@code tokenReuse} ago. */
  public String bearerFor(ClientIdentity identity) {
    long now = clock.millis();
    Token token = cache.get(identity);
    if (token != null && now < token.reuseUntil) {
      return token.bearer;
    }
    Token fresh = sign(identity, now);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(identity, fresh);
    return fresh.bearer;
  }

  private Token sign(ClientIdentity identity, long now) {
    // JWT NumericDate has whole seconds: truncate iat so exp - iat is exactly the lifetime.
    Instant issuedAt = Instant.ofEpochSecond(now / 1000);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(InternalTokenClaims.ISSUER)
            .audience(InternalTokenClaims.USER_SERVICE_AUDIENCE)
            .subject(identity.subject())
            .issueTime(Date.from(issuedAt))
            .expirationTime(Date.from(issuedAt.plusMillis(lifetimeMillis)))
            .claim(InternalTokenClaims.PLAN_CLAIM, identity.plan())
            .claim(InternalTokenClaims.SCOPE_CLAIM, identity.scope())
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("Signing the internal token failed", e);
    }
    return new Token("Bearer " + jwt.serialize(), now + reuseMillis);
  }

  private record Token(String bearer, long reuseUntil) {}
}
