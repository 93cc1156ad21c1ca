package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class NearCacheTests {

  private final AtomicLong clock = new AtomicLong();
  private final NearCache near =
      new NearCache(
          new CacheProperties.NearCache(true, Duration.ofSeconds(1), 3, DataSize.ofBytes(100)),
          clock::get);
  private final CacheKeyGenerator.RequestKey key =
      new CacheKeyGenerator.RequestKey("{users:abc}", "r1");
  private final CachedResponse entry =
      new CachedResponse(200, List.of(), new byte[] {1}, 0, 30_000, 30_000, 30_000);

  @BeforeEach
  void subscribed() {
    near.listening(true);
  }

  @Test
  void whatALookupLearntIsAnsweredForTheTtl() {
    near.learn(near.begin(), key, "4", ":v", entry);
    assertThat(near.get(key, ":v")).isSameAs(entry);
    assertThat(near.get(key, ":other")).isNull();
    clock.addAndGet(Duration.ofMillis(1001).toNanos());
    assertThat(near.get(key, ":v")).isNull();
  }

  @Test
  void whatALookupLearntAgesFromWhenTheLookupStarted() {
    // A slow lookup that saw the old generation must not outlive the TTL writers wait out.
    NearCache.Lookup started = near.begin();
    clock.addAndGet(Duration.ofMillis(600).toNanos());
    near.learn(started, key, "4", ":v", entry);
    assertThat(near.get(key, ":v")).isSameAs(entry);
    clock.addAndGet(Duration.ofMillis(401).toNanos());
    assertThat(near.get(key, ":v")).isNull();
  }

  @Test
  void anInvalidationForgetsTheResource() {
    near.learn(near.begin(), key, "4", ":v", entry);
    near.forget("{users:abc}");
    assertThat(near.get(key, ":v")).isNull();
  }

  @Test
  void aLookupThatStartedBeforeAnInvalidationTeachesNothing() {
    NearCache.Lookup startedAt = near.begin();
    near.forget("{users:other}");
    near.learn(startedAt, key, "4", ":v", entry);
    assertThat(near.get(key, ":v")).isNull();
  }

  @Test
  void itIsSilentWhileInvalidationsCannotArriveAndStartsEmptyAfter() {
    near.learn(near.begin(), key, "4", ":v", entry);
    near.listening(false);
    assertThat(near.get(key, ":v")).isNull();
    near.learn(near.begin(), key, "4", ":v", entry);
    near.listening(true);
    assertThat(near.get(key, ":v")).isNull();
  }

  @Test
  void itNeverHoldsMoreThanItsLimit() {
    for (int i = 0; i < 10; i++) {
      near.learn(
          near.begin(), new CacheKeyGenerator.RequestKey("{users:" + i + "}", "r"), "1", "", entry);
    }
    int held = 0;
    for (int i = 0; i < 10; i++) {
      held +=
          near.get(new CacheKeyGenerator.RequestKey("{users:" + i + "}", "r"), "") == null ? 0 : 1;
    }
    assertThat(held).isBetween(1, 3);
  }

  @Test
  void itNeverHoldsMoreBodyBytesThanItsLimit() {
    CachedResponse sixty =
        new CachedResponse(200, List.of(), new byte[60], 0, 30_000, 30_000, 30_000);
    CacheKeyGenerator.RequestKey other = new CacheKeyGenerator.RequestKey("{users:def}", "r1");
    near.learn(near.begin(), key, "4", ":v", sixty);
    near.learn(near.begin(), other, "4", ":v", sixty);
    // 120 bytes do not fit in 100: the second one starts over.
    assertThat(near.get(key, ":v")).isNull();
    assertThat(near.get(other, ":v")).isSameAs(sixty);
  }

  @Test
  void aBodyLargerThanTheWholeBudgetIsNotHeld() {
    CachedResponse large =
        new CachedResponse(200, List.of(), new byte[101], 0, 30_000, 30_000, 30_000);
    near.learn(near.begin(), key, "5", ":v", large);
    assertThat(near.get(key, ":v")).isNull();
    near.learn(near.begin(), key, "5", ":v", entry);
    assertThat(near.get(key, ":v")).isSameAs(entry);
  }
}
