package io.sluice.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

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
  void pathsAreJudgedDecodedAndWithoutMatrixVariablesAsRoutingMatchesThem() {
    assertThat(view("/api/users/1")).isEqualTo("/api/users/1");
    assertThat(view("/%61pi/users/x")).isEqualTo("/api/users/x");
    assertThat(view("/api/%6Beys")).isEqualTo("/api/keys");
    assertThat(view("/api/keys;x=1/k%2F1")).isEqualTo("/api/keys/k/1");
    assertThat(view("/API/users")).isEqualTo("/API/users");
    assertThat(ScopePolicy.required(HttpMethod.GET, view("/api/%6Beys"))).isEqualTo("keys:admin");
    assertThat(ScopePolicy.required(HttpMethod.GET, view("/api;a=b/keys;c=d")))
        .isEqualTo("keys:admin");
  }

  private static String view(String rawPath) {
    return ScopePolicy.routingView(PathContainer.parsePath(rawPath));
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
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("REMOTE-USER")).isTrue();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-Plans")).isFalse();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-API-Key")).isFalse();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("X-Request-Id")).isFalse();
    assertThat(ApiKeyAuthenticationWebFilter.isIdentityHeader("Accept")).isFalse();
  }

  @Test
  void identityHeadersAreFoundOnARequestNettyDidNotMake() {
    var request =
        MockServerHttpRequest.get("/api/users")
            .header("Accept", "application/json")
            .header("X-Sluice-Plan", "partner")
            .header("remote-user", "forged")
            .header("X-API-Key", "sk_live_x")
            .build();
    assertThat(ApiKeyAuthenticationWebFilter.identityHeaderNames(request))
        .containsExactlyInAnyOrder("X-Sluice-Plan", "remote-user");
    assertThat(
            ApiKeyAuthenticationWebFilter.identityHeaderNames(
                MockServerHttpRequest.get("/x").header("Accept", "*/*").build()))
        .isNull();
  }
}
