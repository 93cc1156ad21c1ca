package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class InternalTokenIssuerTests {

  static final String SECRET = "0123456789abcdef0123456789abcdef";

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2030-01-01T00:00:00.250Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  final ManualClock clock = new ManualClock();

  final InternalTokenIssuer issuer =
      new InternalTokenIssuer(
          new SecurityProperties(SECRET, null, Duration.ofSeconds(30), Duration.ofSeconds(20)),
          clock);

  static JWTClaimsSet verifiedClaims(String bearer) throws Exception {
    SignedJWT jwt = SignedJWT.parse(bearer.substring("Bearer ".length()));
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
    return jwt.getJWTClaimsSet();
  }

  @Test
  void theTokenCarriesTheContractsClaims() throws Exception {
    JWTClaimsSet claims =
        verifiedClaims(
            issuer.bearerFor(new ClientIdentity("key-42", "partner", "users:read keys:admin")));
    assertThat(claims.getIssuer()).isEqualTo("sluice-gateway");
    assertThat(claims.getAudience()).containsExactly("user-service");
    assertThat(claims.getSubject()).isEqualTo("key-42");
    assertThat(claims.getStringClaim("plan")).isEqualTo("partner");
    assertThat(claims.getStringClaim("scope")).isEqualTo("users:read keys:admin");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(claims.getExpirationTime().toInstant())
        .isEqualTo(Instant.parse("2030-01-01T00:00:30Z"));
  }

  @Test
  void oneIdentityReusesItsTokenUntilTheReuseWindowEnds() {
    ClientIdentity identity = ClientIdentity.ANONYMOUS;
    String first = issuer.bearerFor(identity);
    clock.now = clock.now.plusSeconds(19);
    assertThat(issuer.bearerFor(identity)).isSameAs(first);
    clock.now = clock.now.plusSeconds(2);
    assertThat(issuer.bearerFor(identity)).isNotEqualTo(first);
  }

  @Test
  void differentIdentitiesGetDifferentTokens() throws Exception {
    String anonymous = issuer.bearerFor(ClientIdentity.ANONYMOUS);
    String admin = issuer.bearerFor(new ClientIdentity("admin", "partner", "keys:admin"));
    assertThat(anonymous).isNotEqualTo(admin);
    assertThat(verifiedClaims(anonymous).getSubject()).isEqualTo("anonymous");
    assertThat(verifiedClaims(anonymous).getStringClaim("scope")).isEmpty();
  }
}
