package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretsTests {

  @Test
  void theAdminKeyHasTheLiveKeyFormatAndDiffersEachRun() {
    assertThat(Secrets.adminApiKey()).matches("sk_live_[0-9A-Za-z]{32}");
    assertThat(Secrets.adminApiKey()).isNotEqualTo(Secrets.adminApiKey());
  }

  @Test
  void theInternalSecretIsLongerThanTheThirtyTwoBytesTheServicesRequire() {
    assertThat(Secrets.internalAuthSecret().getBytes(StandardCharsets.UTF_8).length)
        .isGreaterThanOrEqualTo(64);
  }
}
