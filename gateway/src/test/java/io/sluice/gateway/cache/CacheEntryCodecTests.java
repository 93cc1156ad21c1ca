package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheEntryCodecTests {

  private static final CachedResponse ENTRY =
      new CachedResponse(
          200,
          List.of(
              new CachedResponse.Header("Content-Type", "application/json"),
              new CachedResponse.Header("ETag", "\"7\"")),
          "{\"name\":\"Ada Lovelace – Zürich\"}".getBytes(StandardCharsets.UTF_8),
          1_000,
          31_000,
          41_000,
          331_000);

  @Test
  void anEntryComesBackAsItWasStored() {
    CachedResponse decoded = (CachedResponse) CacheEntryCodec.decode(CacheEntryCodec.encode(ENTRY));
    assertThat(decoded.status()).isEqualTo(200);
    assertThat(decoded.headers()).isEqualTo(ENTRY.headers());
    assertThat(decoded.body()).isEqualTo(ENTRY.body());
    assertThat(decoded.storedAt()).isEqualTo(1_000);
    assertThat(decoded.freshUntil()).isEqualTo(31_000);
    assertThat(decoded.revalidateUntil()).isEqualTo(41_000);
    assertThat(decoded.staleUntil()).isEqualTo(331_000);
  }

  @Test
  void aMarkerComesBackAsItWasStored() {
    Partitioning partitioning = new Partitioning(true, false, List.of("Accept-Language"));
    assertThat(CacheEntryCodec.decode(CacheEntryCodec.encode(partitioning)))
        .isEqualTo(partitioning);
  }

  @Test
  void truncatedForeignOrEmptyValuesReadAsNothing() {
    byte[] encoded = CacheEntryCodec.encode(ENTRY);
    assertThat(CacheEntryCodec.decode(Arrays.copyOf(encoded, encoded.length - 3))).isNull();
    assertThat(CacheEntryCodec.decode(new byte[0])).isNull();
    assertThat(CacheEntryCodec.decode("hello".getBytes(StandardCharsets.UTF_8))).isNull();
    byte[] otherVersion = encoded.clone();
    otherVersion[1] = 9;
    assertThat(CacheEntryCodec.decode(otherVersion)).isNull();
  }

  @Test
  void windowsFollowTheClock() {
    assertThat(ENTRY.isFresh(30_999)).isTrue();
    assertThat(ENTRY.isFresh(31_000)).isFalse();
    assertThat(ENTRY.mayServeWhileRevalidating(40_999)).isTrue();
    assertThat(ENTRY.mayServeOnError(331_000)).isFalse();
    assertThat(ENTRY.ageSeconds(3_500)).isEqualTo(2);
    CachedResponse refreshed = ENTRY.refreshed(100_000);
    assertThat(refreshed.freshUntil()).isEqualTo(130_000);
    assertThat(refreshed.staleUntil()).isEqualTo(430_000);
  }
}
