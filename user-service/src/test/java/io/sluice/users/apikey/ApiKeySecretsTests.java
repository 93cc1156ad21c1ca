package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Key generation and hashing: format, hash, uniqueness, and no blocking once started. */
class ApiKeySecretsTests {

  private static final ApiKeySecrets SECRETS = new ApiKeySecrets();

  @Test
  void aKeyIsTheMarkerAnd43Base62CharactersAndItsPrefixIsItsFirst12() {
    ApiKeySecrets.NewKey key = SECRETS.generate();
    assertThat(key.plaintext()).matches("sk_live_[0-9A-Za-z]{43}");
    assertThat(key.prefix()).isEqualTo(key.plaintext().substring(0, 12)).startsWith("sk_live_");
  }

  @Test
  void theHashIsTheLowerCaseHexSha256OfTheKeysUtf8Bytes() throws Exception {
    ApiKeySecrets.NewKey key = SECRETS.generate();
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(key.plaintext().getBytes(StandardCharsets.UTF_8)));
    assertThat(key.hash()).isEqualTo(expected).matches("[0-9a-f]{64}");
    assertThat(ApiKeySecrets.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void base62IsFixedLengthBigEndianAndLeftPadded() {
    assertThat(ApiKeySecrets.base62(new byte[32])).isEqualTo("0".repeat(43));
    byte[] one = new byte[32];
    one[31] = 1;
    assertThat(ApiKeySecrets.base62(one)).isEqualTo("0".repeat(42) + "1");
    byte[] max = new byte[32];
    java.util.Arrays.fill(max, (byte) 0xFF);
    assertThat(ApiKeySecrets.base62(max)).isEqualTo("yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1");
  }

  @Test
  void tenThousandKeysAreAllDistinct() {
    Set<String> keys = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ApiKeySecrets.NewKey key = SECRETS.generate();
      keys.add(key.plaintext());
      hashes.add(key.hash());
    }
    assertThat(keys).hasSize(10_000);
    assertThat(hashes).hasSize(10_000);
  }

  @Test
  void generatingOnANonBlockingThreadDoesNotBlock() {
    // BlockHound is installed in the test JVM: a read of /dev/urandom here would fail the test.
    Long generated =
        Flux.range(0, 1_000)
            .parallel(2)
            .runOn(Schedulers.parallel())
            .map(i -> SECRETS.generate())
            .sequential()
            .count()
            .block();
    assertThat(generated).isEqualTo(1_000);
    assertThat(
            Mono.fromSupplier(() -> ApiKeySecrets.hash("k"))
                .subscribeOn(Schedulers.parallel())
                .block())
        .hasSize(64);
  }

  @Test
  void newKeysDoNotPrintTheirSecret() {
    ApiKeySecrets.NewKey key = SECRETS.generate();
    assertThat(key.toString()).doesNotContain(key.plaintext()).doesNotContain(key.hash());
  }
}
