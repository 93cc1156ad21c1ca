package io.sluice.gateway.cache;

import io.sluice.gateway.security.ClientIdentity;
import io.sluice.gateway.system.Sha256;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Cache keys. A request key is the method, the normalized path and the query parameters sorted by
 * name; a variant adds what the stored response's {@link Partitioning} names. Every key belongs to
 * a resource (the collection for list reads, the item for item reads) whose generation counter in
 * Redis is part of the key, so invalidating a resource is one increment, never a key scan.
 *
 * <p>Normalization only merges spellings that mean the same to any backend (RFC 3986 6.2.2):
 * percent-encodings in upper case and unreserved characters decoded. Parameters keep their order
 * among equal names, since that order can matter ({@code a=1&a=2}).
 */
final class CacheKeyGenerator {

  private static final HexFormat HEX = HexFormat.of();

  private CacheKeyGenerator() {}

  /**
   * Where a request's entries live in Redis.
   *
   * @param tag the Redis hash tag of the resource, {@code {route:digest}}: all keys of one resource
   *     share a slot, so one script can read its generation and entries on Redis Cluster too
   * @param request digest of method, path and query
   */
  record RequestKey(String tag, String request) {

    String generationKey() {
      return "sluice:cache:" + tag + ":g";
    }

    String entryPrefix() {
      return "sluice:cache:" + tag + ":e:";
    }

    String entryKey(String generation, String variant) {
      return entryPrefix() + generation + ":" + request + variant;
    }

    String leaseKey(String generation, String variant) {
      return "sluice:cache:" + tag + ":l:" + generation + ":" + request + variant;
    }
  }

  static RequestKey requestKey(String routeId, ServerHttpRequest request, int resourceDepth) {
    String path = normalize(request.getURI().getRawPath());
    String query = sortedQuery(request.getURI().getRawQuery());
    String resource = resourceOf(segments(path), resourceDepth);
    return new RequestKey(
        tag(routeId, resource), digest(request.getMethod().name() + "\n" + path + "\n" + query));
  }

  /** The suffix naming one variant, empty when the response is the same for every request. */
  static String variant(
      Partitioning partitioning, HttpHeaders requestHeaders, ClientIdentity identity) {
    if (partitioning.isNone()) {
      return "";
    }
    StringBuilder parts = new StringBuilder();
    if (partitioning.byScope()) {
      parts.append("scope=").append(identity.scope()).append('\n');
    }
    if (partitioning.byCaller()) {
      parts.append("caller=").append(identity.subject()).append('\n');
    }
    for (String name : partitioning.varyHeaders()) {
      parts.append(name).append('=');
      parts.append(String.join(",", requestHeaders.getOrEmpty(name))).append('\n');
    }
    return ":" + digest(parts.toString());
  }

  /**
   * The hash tags whose generations a successful write to {@code path} bumps: the item written (if
   * the path names one), its collection, and the item a {@code Location} header points at (a
   * created resource may have had its 404 cached).
   */
  static Set<String> invalidatedTags(
      String routeId, String rawPath, String location, int resourceDepth) {
    Set<String> tags = new LinkedHashSet<>();
    addResources(tags, routeId, segments(normalize(rawPath)), resourceDepth);
    if (location != null) {
      try {
        String locationPath = URI.create(location.trim()).getRawPath();
        if (locationPath != null && !locationPath.isEmpty()) {
          addResources(tags, routeId, segments(normalize(locationPath)), resourceDepth);
        }
      } catch (IllegalArgumentException e) {
        // A malformed Location names nothing to invalidate.
      }
    }
    return tags;
  }

  private static void addResources(
      Set<String> tags, String routeId, List<String> segments, int depth) {
    if (segments.size() > depth) {
      tags.add(tag(routeId, resourceOf(segments, depth)));
    }
    tags.add(
        tag(
            routeId,
            "/" + String.join("/", segments.subList(0, Math.min(depth, segments.size())))));
  }

  private static String resourceOf(List<String> segments, int depth) {
    int length = segments.size() > depth ? depth + 1 : segments.size();
    return "/" + String.join("/", segments.subList(0, length));
  }

  static String tag(String routeId, String resource) {
    return "{" + routeId + ":" + digest(resource).substring(0, 16) + "}";
  }

  /**
   * Path segments as routing sees them, matrix parameters ({@code ;v=1}) dropped: a write to {@code
   * /api/users/42;v=1} reaches the same user as {@code /api/users/42} and must invalidate it.
   */
  private static List<String> segments(String path) {
    // A loop rather than split and a stream: every cached read comes through here.
    List<String> segments = new ArrayList<>(6);
    int start = 0;
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      int semicolon = path.indexOf(';', start);
      int segmentEnd = semicolon >= 0 && semicolon < end ? semicolon : end;
      if (segmentEnd > start) {
        segments.add(path.substring(start, segmentEnd));
      }
      start = end + 1;
    }
    return segments;
  }

  /** Percent-encodings upper-cased, encoded unreserved characters decoded. */
  static String normalize(String raw) {
    if (raw == null || raw.indexOf('%') < 0) {
      return raw == null ? "" : raw;
    }
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && isHex(raw, i + 1) && isHex(raw, i + 2)) {
        int value = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
        if (isUnreserved(value)) {
          out.append((char) value);
        } else {
          out.append('%').append(raw.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
        }
        i += 2;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isHex(String s, int index) {
    return index < s.length() && Character.digit(s.charAt(index), 16) >= 0;
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  static String sortedQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String> parameters = new ArrayList<>(Arrays.asList(rawQuery.split("&")));
    parameters.replaceAll(CacheKeyGenerator::normalize);
    // Stable: values of one name keep their order.
    parameters.sort(Comparator.comparing(CacheKeyGenerator::parameterName));
    return String.join("&", parameters);
  }

  private static String parameterName(String parameter) {
    int equals = parameter.indexOf('=');
    return equals < 0 ? parameter : parameter.substring(0, equals);
  }

  static String digest(String value) {
    return HEX.formatHex(Sha256.of(value), 0, 16);
  }
}
