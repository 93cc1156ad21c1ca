package io.sluice.gateway.security;

import io.sluice.common.token.InternalTokenClaims.Scopes;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;

/**
 * The scope a request needs, the same rule user-service enforces: reads of users need {@code
 * users:read}, writes {@code users:write}, everything under {@code /api/keys} {@code keys:admin}.
 * Paths are given in their {@link #routingView routing view}.
 */
final class ScopePolicy {

  private ScopePolicy() {}

  /** The scope {@code method path} needs, or {@code null} when any authenticated caller may try. */
  static String required(HttpMethod method, String path) {
    if (under(path, "/api/keys")) {
      return Scopes.KEYS_ADMIN;
    }
    if (under(path, "/api/users")) {
      return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)
          ? Scopes.USERS_READ
          : Scopes.USERS_WRITE;
    }
    return null;
  }

  /**
   * The path as route predicates and user-service's security match it ({@code PathPattern} against
   * each segment's {@code valueToMatch}): segments percent-decoded, matrix variables dropped. So
   * {@code /%61pi/%6Beys;v=1} is {@code /api/keys}: every path an API route matches reads as that
   * API path here. (An encoded slash decodes to {@code /} inside its segment, and such a segment
   * never matches a literal one of a route.)
   */
  static String routingView(PathContainer path) {
    String raw = path.value();
    if (raw.indexOf('%') < 0 && raw.indexOf(';') < 0) {
      return raw;
    }
    StringBuilder view = new StringBuilder(raw.length());
    for (PathContainer.Element element : path.elements()) {
      view.append(
          element instanceof PathContainer.PathSegment segment
              ? segment.valueToMatch()
              : element.value());
    }
    return view.toString();
  }

  /** Whether the space-separated {@code granted} scopes include {@code scope}. */
  static boolean covers(String granted, String scope) {
    if (scope == null) {
      return true;
    }
    if (granted == null) {
      return false;
    }
    for (String each : granted.split(" ")) {
      if (each.equals(scope)) {
        return true;
      }
    }
    return false;
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }
}
