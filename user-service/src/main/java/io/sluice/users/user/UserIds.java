package io.sluice.users.user;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New user ids: UUID version 7, a 48-bit Unix millisecond timestamp then 74 random bits, so ids
 * sort by creation time in PostgreSQL (which compares UUIDs byte by byte) and new rows land at the
 * end of the keyset order.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9562#section-5.7">RFC 9562 section 5.7</a>
 */
final class UserIds {

  private UserIds() {}

  static UUID next() {
    // ThreadLocalRandom, not SecureRandom: ids are not secrets, and SecureRandom may read
    // /dev/urandom on the event loop. 74 random bits per millisecond make collisions negligible.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}
