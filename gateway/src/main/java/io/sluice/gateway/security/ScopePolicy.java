package io.sluice.gateway.security;

import io.sluice.common.token.InternalTokenClaims.Scopes;
import org.springframework.http.HttpMethod;

/**
 * The scope a request needs, the same rule user-service enforces: reads of users need {@code
 * users:read}, writes {@code users:write}, everything under {@code /api/keys} {@code keys:admin}.
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
