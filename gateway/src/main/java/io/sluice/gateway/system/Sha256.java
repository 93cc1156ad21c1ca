package io.sluice.gateway.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 on the request path (API key hashes, cache keys). Each thread keeps its own {@link
 * MessageDigest}: looking one up through the security providers on every call cost more than the
 * hashing itself.
 */
public final class Sha256 {

  private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(Sha256::create);

  private Sha256() {}

  /** The SHA-256 of {@code text} in UTF-8. */
  public static byte[] of(String text) {
    // digest() also resets the instance for the thread's next call.
    return DIGESTS.get().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest create() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
