package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The page cursor's round trip and what it refuses. */
class UserCursorTests {

  @Test
  void aCursorDecodesToTheIdItWasMadeFrom() {
    UUID id = UserIds.next();
    String cursor = UserCursor.encode(id);
    assertThat(cursor).hasSize(22).matches("[A-Za-z0-9_-]+");
    assertThat(UserCursor.decode(cursor)).contains(id);
  }

  @Test
  void anythingElseIsNotACursor() {
    assertThat(UserCursor.decode("")).isEmpty();
    assertThat(UserCursor.decode("abc")).isEmpty();
    assertThat(UserCursor.decode("!!!!!!!!!!!!!!!!!!!!!!")).isEmpty();
    assertThat(UserCursor.decode(UserCursor.encode(UserIds.next()) + "A")).isEmpty();
  }

  @Test
  void idsAreVersion7AndSortByCreationTime() throws InterruptedException {
    UUID first = UserIds.next();
    Thread.sleep(2);
    UUID second = UserIds.next();
    assertThat(first.version()).isEqualTo(7);
    assertThat(first.variant()).isEqualTo(2);
    // PostgreSQL compares UUIDs as unsigned bytes, i.e. like their text form.
    assertThat(first.toString()).isLessThan(second.toString());
  }
}
