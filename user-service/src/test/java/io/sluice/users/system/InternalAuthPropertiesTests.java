package io.sluice.users.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The config rejects bad values. */
class InternalAuthPropertiesTests {

  @Test
  void aMissingOrShortSecretFailsWithAMessageNamingTheVariable() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new InternalAuthProperties(null, Duration.ofSeconds(5)))
        .withMessageContaining("INTERNAL_AUTH_SECRET must be set to at least 32 bytes (it is 0)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new InternalAuthProperties("x".repeat(31), Duration.ofSeconds(5)))
        .withMessageContaining("(it is 31)");
  }

  @Test
  void aNegativeOrHugeClockSkewIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new InternalAuthProperties("x".repeat(32), Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new InternalAuthProperties("x".repeat(32), Duration.ofMinutes(5)));
  }

  @Test
  void theSecretNeverAppearsInToString() {
    assertThat(new InternalAuthProperties("s".repeat(40), Duration.ZERO).toString())
        .doesNotContain("sss");
  }
}
