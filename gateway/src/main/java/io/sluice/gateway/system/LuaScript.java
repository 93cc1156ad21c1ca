package io.sluice.gateway.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.core.io.ClassPathResource;

/**
 * A Lua script for Redis and its SHA-1 digest, for {@code EVALSHA}. Load scripts into constants
 * (class initialization): reading a resource blocks, which no event loop may.
 *
 * @param source the script
 * @param sha its SHA-1, in hex, as Redis names it
 */
public record LuaScript(String source, String sha) {

  /** Reads {@code location} from the classpath. */
  public static LuaScript load(String location) {
    try {
      String source = new ClassPathResource(location).getContentAsString(StandardCharsets.UTF_8);
      byte[] sha =
          MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return new LuaScript(source, HexFormat.of().formatHex(sha));
    } catch (IOException e) {
      throw new UncheckedIOException("Lua script " + location + " missing from the classpath", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JRE", e);
    }
  }
}
