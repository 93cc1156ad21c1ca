package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

class ScopePolicyTests {

  @Test
  void readsOfUsersNeedUsersReadAndWritesNeedUsersWrite() {
    assertThat(ScopePolicy.required(HttpMethod.GET, "/api/users/1")).isEqualTo("users:read");
    assertThat(ScopePolicy.required(HttpMethod.HEAD, "/api/users")).isEqualTo("users:read");
    assertThat(ScopePolicy.required(HttpMethod.POST, "/api/users")).isEqualTo("users:write");
    assertThat(ScopePolicy.required(HttpMethod.PATCH, "/api/users/1")).isEqualTo("users:write");
    assertThat(ScopePolicy.required(HttpMethod.DELETE, "/api/users/1")).isEqualTo("users:write");
  }

  @Test
  void everythingUnderKeysNeedsKeysAdmin() {
    assertThat(ScopePolicy.required(HttpMethod.GET, "/api/keys")).isEqualTo("keys:admin");
    assertThat(ScopePolicy.required(HttpMethod.DELETE, "/api/keys/1")).isEqualTo("keys:admin");
    assertThat(ScopePolicy.required(HttpMethod.GET, "/api/keysmith")).isNull();
  }

  @Test
  void scopesAreMatchedAsWholeWords() {
    assertThat(ScopePolicy.covers("users:read users:write", "users:write")).isTrue();
    assertThat(ScopePolicy.covers("users:readwrite", "users:read")).isFalse();
    assertThat(ScopePolicy.covers("", "users:read")).isFalse();
    assertThat(ScopePolicy.covers(null, null)).isTrue();
  }

  @Test
  void identityHeadersAreRecognisedButTheKeyAndRequestIdAreNot() {
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-User-Id")).isTrue();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("x-authenticated-userid")).isTrue();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-Consumer-Username")).isTrue();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-Sluice-Plan")).isTrue();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-Plan")).isTrue();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-API-Key")).isFalse();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-Request-Id")).isFalse();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("Accept")).isFalse();
  }
}
