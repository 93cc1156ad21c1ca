package io.sluice.users.apikey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.stereotype.Component;

/**
 * Makes new keys and hashes them. A key is {@value #KEY_MARKER} followed by the base62 form of 32
 * random bytes (256 bits), always {@value #ENCODED_LENGTH} characters; only its SHA-256 and its
 * first {@value #PREFIX_LENGTH} characters are ever stored.
 */
@Component
class ApiKeySecrets {

  static final String KEY_MARKER = "sk_live_";
  static final int RANDOM_BYTES = 32;

  /** 62^43 > 2^256 > 62^42, so 43 digits hold any 32 bytes; shorter numbers are zero-padded. */
  static final int ENCODED_LENGTH = 43;

  static final int PREFIX_LENGTH = 12;

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);

  private final SecureRandom random;

  /** A new key as handed out once: the plaintext and what is stored of it. */
  record NewKey(String plaintext, String hash, String prefix) {

    @Override
    public String toString() {
      return "NewKey[prefix=" + prefix + "]";
    }
  }

  ApiKeySecrets() {
    try {
      // A DRBG seeds itself once, here at startup; the default NativePRNG would read /dev/urandom
      // (blocking file I/O) on every call, i.e. on an event loop.
      this.random = SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no DRBG SecureRandom", e);
    }
    random.nextBytes(new byte[RANDOM_BYTES]);
  }

  NewKey generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    String plaintext = KEY_MARKER + base62(bytes);
    return new NewKey(plaintext, hash(plaintext), prefix(plaintext));
  }

  /** The lower-case hex SHA-256 of the key's UTF-8 bytes, as stored and as the gateway sends it. */
  static String hash(String key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static String prefix(String key) {
    return key.substring(0, PREFIX_LENGTH);
  }

  /** The bytes as an unsigned big-endian number in base62, left-padded to a fixed length. */
  static String base62(byte[] bytes) {
    char[] digits = new char[ENCODED_LENGTH];
    BigInteger value = new BigInteger(1, bytes);
    for (int i = ENCODED_LENGTH - 1; i >= 0; i--) {
      BigInteger[] quotientAndRemainder = value.divideAndRemainder(SIXTY_TWO);
      digits[i] = BASE62[quotientAndRemainder[1].intValue()];
      value = quotientAndRemainder[0];
    }
    return new String(digits);
  }
}
