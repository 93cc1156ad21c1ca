package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CachedResponseWriterTests {

  @Test
  void ifNoneMatchUsesWeakComparisonListsAndTheWildcard() {
    assertThat(CachedResponseWriter.matches(List.of("\"3\""), "\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("W/\"3\""), "\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("\"1\", \"3\""), "W/\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("*"), "\"3\"")).isTrue();
    assertThat(CachedResponseWriter.matches(List.of("\"4\""), "\"3\"")).isFalse();
    assertThat(CachedResponseWriter.matches(List.of("\"3\""), null)).isFalse();
    assertThat(CachedResponseWriter.matches(List.of(), "\"3\"")).isFalse();
  }
}
