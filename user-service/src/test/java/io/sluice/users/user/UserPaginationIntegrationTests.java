package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.users.TestTokens;
import io.sluice.users.UserServiceIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Keyset pagination: every row exactly once, even while rows are inserted between pages. */
class UserPaginationIntegrationTests extends UserServiceIntegrationTest {

  @Autowired UserRepository repository;

  private WebTestClient api() {
    return client(TestTokens.READ_WRITE);
  }

  private void create(String email) {
    api()
        .post()
        .uri("/api/users")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(Map.of("email", email, "name", "Paged"))
        .exchange()
        .expectStatus()
        .isCreated();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> page(String query) {
    return api()
        .get()
        .uri("/api/users?" + query)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(Map.class)
        .returnResult()
        .getResponseBody();
  }

  @Test
  @SuppressWarnings("unchecked")
  void pagingVisitsEveryExistingRowExactlyOnceWhileRowsAreInserted() {
    for (int i = 0; i < 45; i++) {
      create("page-" + i + "@example.com");
    }
    Set<UUID> existing =
        new HashSet<>(
            repository.findAll().map(User::id).collectList().block(Duration.ofSeconds(10)));
    assertThat(existing).hasSizeGreaterThanOrEqualTo(45);

    List<UUID> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    int inserted = 0;
    do {
      Map<String, Object> page = page("limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
      List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
      assertThat(items).hasSizeLessThanOrEqualTo(7);
      items.forEach(item -> seen.add(UUID.fromString((String) item.get("id"))));
      cursor = (String) page.get("nextCursor");
      // Rows arriving between pages must neither repeat nor hide the rows that were there.
      create("between-" + inserted++ + "@example.com");
      pages++;
    } while (cursor != null && pages < 1000);

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(existing);
    assertThat(pages).isGreaterThan(existing.size() / 7);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theLastPageHasNoCursorAndTheDefaultLimitIs20() {
    for (int i = 0; i < 21; i++) {
      create("default-limit-" + i + "@example.com");
    }
    Map<String, Object> first = page("");
    assertThat((List<?>) first.get("items")).hasSize(20);
    assertThat(first.get("nextCursor")).isNotNull();
    Map<String, Object> all = page("limit=200");
    String cursor = (String) all.get("nextCursor");
    while (cursor != null) {
      all = page("limit=200&cursor=" + cursor);
      cursor = (String) all.get("nextCursor");
    }
    assertThat(all).containsKey("nextCursor");
    assertThat(all.get("nextCursor")).isNull();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEmailFilterMatchesIgnoringCase() {
    create("Filter.Me@Example.com");
    create("filter.not.me@example.com");
    Map<String, Object> page = page("email=filter.me@EXAMPLE.com");
    List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
    assertThat(items)
        .extracting(item -> item.get("email"))
        .containsExactly("Filter.Me@Example.com");
    assertThat(page.get("nextCursor")).isNull();
    assertThat((List<?>) page("email=nobody@example.com").get("items")).isEmpty();
  }
}
