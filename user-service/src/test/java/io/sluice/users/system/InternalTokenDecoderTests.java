package io.sluice.users.system;

import io.sluice.users.TestTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.test.StepVerifier;

/** The internal token decoder on its own, without a server. */
class InternalTokenDecoderTests {

  private final ReactiveJwtDecoder decoder =
      InternalTokenDecoder.create(
          new InternalAuthProperties(TestTokens.SECRET, Duration.ofSeconds(5)), Clock.systemUTC());

  @Test
  void aGatewayTokenDecodesWithItsScope() {
    decoder
        .decode(TestTokens.token("users:read"))
        .as(StepVerifier::create)
        .expectNextMatches(jwt -> jwt.getClaimAsString("scope").equals("users:read"))
        .verifyComplete();
  }

  @Test
  void wrongSecretExpiryAudienceIssuerOrLifetimeAreRejected() {
    Instant past = Instant.now().minusSeconds(60);
    for (String token :
        new String[] {
          TestTokens.token("another-secret-that-is-long-enough-for-hs256", c -> c),
          TestTokens.token(
              TestTokens.SECRET,
              c -> c.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(30)))),
          TestTokens.token(TestTokens.SECRET, c -> c.audience("other")),
          TestTokens.token(TestTokens.SECRET, c -> c.issuer("other")),
          TestTokens.token(TestTokens.SECRET, c -> c.expirationTime(null)),
          TestTokens.token(
              TestTokens.SECRET, c -> c.expirationTime(Date.from(Instant.now().plusSeconds(300))))
        }) {
      decoder.decode(token).as(StepVerifier::create).expectError(JwtException.class).verify();
    }
  }
}
