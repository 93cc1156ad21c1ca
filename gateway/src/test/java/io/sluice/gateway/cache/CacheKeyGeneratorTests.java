package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.security.ClientIdentity;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class CacheKeyGeneratorTests {

  private static CacheKeyGenerator.RequestKey key(HttpMethod method, String uri) {
    return CacheKeyGenerator.requestKey(
        "users", MockServerHttpRequest.method(method, URI.create(uri)).build(), 2);
  }

  @Test
  void queryParametersAreSortedByNameButKeepTheirOrderWithinAName() {
    assertThat(key(HttpMethod.GET, "/api/users?b=1&a=2&a=1"))
        .isEqualTo(key(HttpMethod.GET, "/api/users?a=2&b=1&a=1"));
    assertThat(key(HttpMethod.GET, "/api/users?a=2&a=1"))
        .isNotEqualTo(key(HttpMethod.GET, "/api/users?a=1&a=2"));
  }

  @Test
  void equivalentPercentEncodingsShareAKeyAndDifferentPathsDoNot() {
    assertThat(CacheKeyGenerator.normalize("/api/users/%61b%2f%7e")).isEqualTo("/api/users/ab%2F~");
    assertThat(key(HttpMethod.GET, "/api/users/%61bc"))
        .isEqualTo(key(HttpMethod.GET, "/api/users/abc"));
    assertThat(key(HttpMethod.GET, "/api/users/abc"))
        .isNotEqualTo(key(HttpMethod.GET, "/api/users/abd"));
  }

  @Test
  void theMethodIsPartOfTheKey() {
    assertThat(key(HttpMethod.GET, "/api/users/1").request())
        .isNotEqualTo(key(HttpMethod.HEAD, "/api/users/1").request());
  }

  @Test
  void itemReadsBelongToTheItemAndListReadsToTheCollection() {
    String item = CacheKeyGenerator.tag("users", "/api/users/42");
    String collection = CacheKeyGenerator.tag("users", "/api/users");
    assertThat(key(HttpMethod.GET, "/api/users/42").tag()).isEqualTo(item);
    assertThat(key(HttpMethod.GET, "/api/users/42/anything").tag()).isEqualTo(item);
    assertThat(key(HttpMethod.GET, "/api/users?limit=5&email=a%40b.c").tag()).isEqualTo(collection);
    assertThat(item).startsWith("{users:").endsWith("}").doesNotContain("/");
  }

  @Test
  void aWriteToAnItemInvalidatesTheItemAndItsCollection() {
    assertThat(CacheKeyGenerator.invalidatedTags("users", "/api/users/42", null, 2))
        .containsExactly(
            CacheKeyGenerator.tag("users", "/api/users/42"),
            CacheKeyGenerator.tag("users", "/api/users"));
  }

  @Test
  void matrixParametersAndEncodingsDoNotHideTheResourceAWriteChanges() {
    assertThat(CacheKeyGenerator.invalidatedTags("users", "/api/users/%34%32;v=1", null, 2))
        .containsExactly(
            CacheKeyGenerator.tag("users", "/api/users/42"),
            CacheKeyGenerator.tag("users", "/api/users"));
    assertThat(key(HttpMethod.GET, "/api/users/42").tag())
        .isEqualTo(key(HttpMethod.GET, "/api/users;a=b/42").tag());
  }

  @Test
  void aCreateInvalidatesTheCollectionAndTheItemItsLocationNames() {
    assertThat(
            CacheKeyGenerator.invalidatedTags(
                "users", "/api/users", "http://gateway/api/users/7?x=1", 2))
        .containsExactlyInAnyOrder(
            CacheKeyGenerator.tag("users", "/api/users"),
            CacheKeyGenerator.tag("users", "/api/users/7"));
    assertThat(CacheKeyGenerator.invalidatedTags("users", "/api/users", "::not a uri", 2))
        .containsExactly(CacheKeyGenerator.tag("users", "/api/users"));
  }

  @Test
  void variantsDifferByWhatThePartitioningNames() {
    ClientIdentity reader = new ClientIdentity("k1", "free", "users:read");
    ClientIdentity writer = new ClientIdentity("k2", "free", "users:read users:write");
    ClientIdentity sameScope = new ClientIdentity("k3", "standard", "users:read");
    HttpHeaders english = new HttpHeaders();
    english.add("Accept-Language", "en");
    HttpHeaders german = new HttpHeaders();
    german.add("Accept-Language", "de");

    assertThat(CacheKeyGenerator.variant(Partitioning.NONE, english, reader)).isEmpty();
    Partitioning byScope = new Partitioning(true, false, List.of());
    assertThat(CacheKeyGenerator.variant(byScope, english, reader))
        .isEqualTo(CacheKeyGenerator.variant(byScope, german, sameScope))
        .isNotEqualTo(CacheKeyGenerator.variant(byScope, english, writer));
    Partitioning byLanguage = new Partitioning(false, false, List.of("Accept-Language"));
    assertThat(CacheKeyGenerator.variant(byLanguage, english, reader))
        .isEqualTo(CacheKeyGenerator.variant(byLanguage, english, writer))
        .isNotEqualTo(CacheKeyGenerator.variant(byLanguage, german, reader));
    Partitioning byCaller = new Partitioning(false, true, List.of());
    assertThat(CacheKeyGenerator.variant(byCaller, english, reader))
        .isNotEqualTo(CacheKeyGenerator.variant(byCaller, english, sameScope));
  }
}
