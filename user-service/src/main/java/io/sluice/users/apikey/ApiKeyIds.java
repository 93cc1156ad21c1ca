package io.sluice.users.apikey;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * New key ids: UUID version 7 (48-bit Unix milliseconds, then random bits), so ids sort by creation
 * time and keyset pages list keys in creation order. Ids are not secrets (they are the {@code sub}
 * of internal tokens), so {@link ThreadLocalRandom} is enough. Same scheme as user ids.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9562#section-5.7">RFC 9562 section 5.7</a>
 */
final class ApiKeyIds {

  private ApiKeyIds() {}

  static UUID next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }
}
