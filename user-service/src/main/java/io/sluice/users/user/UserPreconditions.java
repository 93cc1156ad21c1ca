package io.sluice.users.user;

import java.util.List;

/**
 * ETags and conditional requests for users. The ETag is the strong tag {@code "<version>"}; {@code
 * If-Match} uses the strong comparison and {@code If-None-Match} the weak one, as RFC 9110 says.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-13.1">RFC 9110 section 13.1</a>
 */
final class UserPreconditions {

  private UserPreconditions() {}

  static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** An {@code If-Match} condition; {@link #NONE} when the request sent none. */
  record IfMatch(boolean present, boolean any, List<String> tags) {

    static final IfMatch NONE = new IfMatch(false, false, List.of());

    static IfMatch parse(List<String> headerValues) {
      if (headerValues == null || headerValues.isEmpty()) {
        return NONE;
      }
      List<String> tags = split(headerValues);
      return new IfMatch(true, tags.contains("*"), tags);
    }

    /** Whether a user at {@code version} satisfies the condition (weak tags never do). */
    boolean matches(long version) {
      return !present || any || tags.contains(etag(version));
    }
  }

  /** Whether {@code If-None-Match} matches {@code version}, i.e. the client's copy is current. */
  static boolean noneMatchHits(List<String> headerValues, long version) {
    if (headerValues == null || headerValues.isEmpty()) {
      return false;
    }
    String current = etag(version);
    for (String tag : split(headerValues)) {
      String opaque = tag.startsWith("W/") ? tag.substring(2) : tag;
      if (tag.equals("*") || opaque.equals(current)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> split(List<String> headerValues) {
    // Our tags never contain commas, so a plain split cannot break one we would match.
    return headerValues.stream()
        .flatMap(value -> java.util.Arrays.stream(value.split(",")))
        .map(String::trim)
        .filter(tag -> !tag.isEmpty())
        .toList();
  }
}
