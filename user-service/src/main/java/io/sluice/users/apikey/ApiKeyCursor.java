package io.sluice.users.apikey;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The opaque {@code cursor} of a page of keys: the base64url form of the last id returned (the same
 * format as the users API's cursors). Clients must not build or parse it.
 */
final class ApiKeyCursor {

  /** Sorts before every UUID in PostgreSQL's byte-wise order: the start of the first page. */
  static final UUID START = new UUID(0, 0);

  private ApiKeyCursor() {}

  static String encode(UUID lastId) {
    ByteBuffer bytes = ByteBuffer.allocate(16);
    bytes.putLong(lastId.getMostSignificantBits()).putLong(lastId.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /** The id after which the page starts, or empty when {@code cursor} is not one of ours. */
  static Optional<UUID> decode(String cursor) {
    if (cursor.length() != 22) {
      return Optional.empty();
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor));
      return bytes.remaining() == 16
          ? Optional.of(new UUID(bytes.getLong(), bytes.getLong()))
          : Optional.empty();
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }
}
