package io.sluice.users;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.UnaryOperator;

/** Mints internal tokens the way the gateway does, and broken ones the way attackers would. */
public final class TestTokens {

  /** The secret every test context is started with. */
  public static final String SECRET = "test-secret-that-is-long-enough-for-hs256";

  public static final String READ = "users:read";
  public static final String WRITE = "users:write";
  public static final String READ_WRITE = "users:read users:write";

  private TestTokens() {}

  /** A valid token with {@code scope}. */
  public static String token(String scope) {
    return token(SECRET, claims -> claims.claim("scope", scope));
  }

  /** A token signed with {@code secret} whose otherwise valid claims {@code change} adjusts. */
  public static String token(String secret, UnaryOperator<JWTClaimsSet.Builder> change) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("sluice-gateway")
            .audience("user-service")
            .subject("key-1")
            .claim("plan", "standard")
            .claim("scope", READ_WRITE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofSeconds(30))));
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), change.apply(claims).build());
    try {
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
