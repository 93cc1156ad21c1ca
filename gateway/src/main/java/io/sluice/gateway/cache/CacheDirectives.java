package io.sluice.gateway.cache;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * The directives of {@code Cache-Control} header fields (RFC 9111 5.2), names lower-cased, values
 * unquoted; a directive without a value maps to the empty string. Unparsable parts are ignored, as
 * RFC 9111 asks of unrecognized directives.
 */
final class CacheDirectives {

  private final Map<String, String> directives;

  private CacheDirectives(Map<String, String> directives) {
    this.directives = directives;
  }

  static CacheDirectives of(HttpHeaders headers) {
    return parse(headers.getOrEmpty(HttpHeaders.CACHE_CONTROL));
  }

  static CacheDirectives parse(List<String> values) {
    Map<String, String> directives = new HashMap<>();
    for (String value : values) {
      for (String part : value.split(",")) {
        String directive = part.trim();
        if (directive.isEmpty()) {
          continue;
        }
        int equals = directive.indexOf('=');
        String name =
            (equals < 0 ? directive : directive.substring(0, equals))
                .trim()
                .toLowerCase(Locale.ROOT);
        String argument = equals < 0 ? "" : unquote(directive.substring(equals + 1).trim());
        directives.putIfAbsent(name, argument);
      }
    }
    return new CacheDirectives(directives);
  }

  boolean has(String name) {
    return directives.containsKey(name);
  }

  /** A delta-seconds argument, or -1 when absent or not a non-negative number. */
  long seconds(String name) {
    String value = directives.get(name);
    if (value == null || value.isEmpty() || value.length() > 12) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (!Character.isDigit(value.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(value);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
