package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.user.UserPreconditions.IfMatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ETag comparisons as RFC 9110 defines them. */
class UserPreconditionsTests {

  @Test
  void ifMatchUsesTheStrongComparison() {
    assertThat(IfMatch.parse(null).matches(3)).isTrue();
    assertThat(IfMatch.parse(List.of("\"3\"")).matches(3)).isTrue();
    assertThat(IfMatch.parse(List.of("\"1\", \"3\"")).matches(3)).isTrue();
    assertThat(IfMatch.parse(List.of("*")).matches(3)).isTrue();
    assertThat(IfMatch.parse(List.of("W/\"3\"")).matches(3)).isFalse();
    assertThat(IfMatch.parse(List.of("\"2\"")).matches(3)).isFalse();
    assertThat(IfMatch.parse(List.of("3")).matches(3)).isFalse();
  }

  @Test
  void ifNoneMatchUsesTheWeakComparison() {
    assertThat(UserPreconditions.noneMatchHits(null, 3)).isFalse();
    assertThat(UserPreconditions.noneMatchHits(List.of("W/\"3\""), 3)).isTrue();
    assertThat(UserPreconditions.noneMatchHits(List.of("\"2\",\"3\""), 3)).isTrue();
    assertThat(UserPreconditions.noneMatchHits(List.of("*"), 3)).isTrue();
    assertThat(UserPreconditions.noneMatchHits(List.of("\"4\""), 3)).isFalse();
  }
}
