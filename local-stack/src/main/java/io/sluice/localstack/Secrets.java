package io.sluice.localstack;

import java.security.SecureRandom;

/** Fresh credentials for one run of the local stack; nothing is stored between runs. */
final class Secrets {

  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** An administrator API key in the product's key format: {@code sk_live_} and 32 base62 chars. */
  static String adminApiKey() {
    return "sk_live_" + base62(32);
  }

  /**
   * An HMAC secret for the internal token: 64 base62 characters, about 381 bits, well above the 32
   * bytes the services require, and safe to pass through any environment.
   */
  static String internalAuthSecret() {
    return base62(64);
  }

  static String base62(int length) {
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
    }
    return out.toString();
  }
}
