package io.sluice.gateway.security;

import io.sluice.gateway.system.Sha256;
import java.util.HexFormat;

/** The SHA-256 of an API key, in lower-case hex: how user-service stores and finds keys. */
final class ApiKeyHash {

  private static final HexFormat HEX = HexFormat.of();

  private ApiKeyHash() {}

  static String of(String key) {
    return HEX.formatHex(digest(key));
  }

  static byte[] digest(String key) {
    return Sha256.of(key);
  }
}
