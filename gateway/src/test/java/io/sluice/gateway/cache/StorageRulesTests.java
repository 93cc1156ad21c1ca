package io.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

class StorageRulesTests {

  private static final CachePolicy POLICY =
      new CachePolicy(
          true,
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofSeconds(10),
          1024,
          2);

  private static HttpHeaders headers(String... pairs) {
    HttpHeaders headers = new HttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  private static StorageRules.Storable decide(int status, HttpHeaders headers) {
    return StorageRules.decide(HttpMethod.GET, status, headers, POLICY);
  }

  @Test
  void onlyTheCacheableStatusesAreStored() {
    for (int status : List.of(200, 203, 204, 300, 301, 404)) {
      assertThat(decide(status, headers())).as("status %d", status).isNotNull();
    }
    for (int status : List.of(201, 302, 304, 400, 401, 403, 429, 500, 502, 503)) {
      assertThat(decide(status, headers())).as("status %d", status).isNull();
    }
  }

  @Test
  void privateNoStoreNoCacheCookiesAndVaryStarAreNeverStored() {
    assertThat(decide(200, headers("Cache-Control", "private, max-age=60"))).isNull();
    assertThat(decide(200, headers("Cache-Control", "no-store"))).isNull();
    assertThat(decide(200, headers("Cache-Control", "no-cache"))).isNull();
    assertThat(decide(200, headers("Set-Cookie", "session=1"))).isNull();
    assertThat(decide(200, headers("Vary", "Accept, *"))).isNull();
    assertThat(decide(200, headers("Content-Type", "text/event-stream"))).isNull();
  }

  @Test
  void bodiesAnnouncedAboveTheLimitAreNotStored() {
    assertThat(decide(200, headers("Content-Length", "1025"))).isNull();
    assertThat(decide(200, headers("Content-Length", "1024"))).isNotNull();
  }

  @Test
  void freshnessIsTheRouteTtlCappedByTheBackend() {
    assertThat(decide(200, headers()).freshness()).isEqualTo(Duration.ofSeconds(30));
    assertThat(decide(200, headers("Cache-Control", "max-age=7")).freshness())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(decide(200, headers("Cache-Control", "max-age=3600")).freshness())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(decide(200, headers("Cache-Control", "max-age=60, s-maxage=3")).freshness())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(decide(404, headers()).freshness()).isEqualTo(Duration.ofSeconds(5));
    assertThat(decide(200, headers("Cache-Control", "max-age=0"))).isNull();
  }

  @Test
  void onlyPublicOrSharedMaxAgeResponsesAreSharedAcrossScopes() {
    assertThat(decide(200, headers()).partitioning().byScope()).isTrue();
    assertThat(decide(200, headers("Cache-Control", "public")).partitioning().byScope()).isFalse();
    assertThat(decide(200, headers("Cache-Control", "s-maxage=9")).partitioning().byScope())
        .isFalse();
  }

  @Test
  void varyOnCredentialsPartitionsByCallerAndOtherVaryHeadersByValue() {
    Partitioning partitioning =
        decide(200, headers("Vary", "Authorization, Accept-Language", "Vary", "accept"))
            .partitioning();
    assertThat(partitioning.byCaller()).isTrue();
    assertThat(partitioning.varyHeaders()).containsExactly("accept", "accept-language");
  }

  @Test
  void revalidationDirectivesForbidServingStale() {
    assertThat(decide(200, headers()).staleAllowed()).isTrue();
    assertThat(decide(200, headers("Cache-Control", "must-revalidate")).staleAllowed()).isFalse();
    assertThat(decide(200, headers("Cache-Control", "proxy-revalidate")).staleAllowed()).isFalse();
    assertThat(decide(200, headers("Cache-Control", "s-maxage=9")).staleAllowed()).isFalse();
  }

  @Test
  void perRequestAndHopByHopHeadersAreNotStored() {
    List<CachedResponse.Header> stored =
        StorageRules.storedHeaders(
            headers(
                "Content-Type", "application/json",
                "ETag", "\"3\"",
                "Date", "Mon, 30 Nov 2026 12:00:00 GMT",
                "X-Request-Id", "abc",
                "RateLimit", "limit=10",
                "Connection", "keep-alive",
                "Content-Length", "12"),
            false);
    assertThat(stored)
        .extracting(CachedResponse.Header::name)
        .containsExactly("Content-Type", "ETag");
  }
}
