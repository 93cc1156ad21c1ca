package io.sluice.users.apikey;

import java.net.URI;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The administrators' API keys API (the {@code keys:admin} scope, see the security configuration):
 * HTTP only; the work is done by {@link ApiKeyService}. The plaintext key appears in the creation
 * response and nowhere else.
 */
@RestController
@RequestMapping(path = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
class ApiKeyController {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 200;

  private final ApiKeyService keys;
  private final ApiKeyProperties properties;

  ApiKeyController(ApiKeyService keys, ApiKeyProperties properties) {
    this.keys = keys;
    this.properties = properties;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<CreatedApiKeyResponse>> create(@RequestBody JsonNode body) {
    return Mono.fromCallable(() -> ApiKeyInput.create(body, properties.plans()))
        .flatMap(keys::create)
        .map(
            created ->
                ResponseEntity.created(URI.create("/api/keys/" + created.key().id()))
                    .body(CreatedApiKeyResponse.of(created.key(), created.plaintext())));
  }

  @GetMapping("/{id}")
  Mono<ApiKeyResponse> get(@PathVariable String id) {
    return Mono.fromCallable(() -> parseId(id)).flatMap(keys::find).map(ApiKeyResponse::of);
  }

  @GetMapping
  Mono<ApiKeyResponse.Page> list(
      @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
    return Mono.fromCallable(() -> new PageRequest(limit, cursor))
        .flatMap(request -> keys.page(request.after, request.limit))
        .map(
            page ->
                new ApiKeyResponse.Page(
                    page.keys().stream().map(ApiKeyResponse::of).toList(),
                    page.more()
                        ? ApiKeyCursor.encode(page.keys().get(page.keys().size() - 1).id())
                        : null));
  }

  @DeleteMapping("/{id}")
  Mono<ResponseEntity<Void>> revoke(@PathVariable String id) {
    return Mono.fromCallable(() -> parseId(id))
        .flatMap(keys::revoke)
        .then(Mono.fromSupplier(() -> ResponseEntity.noContent().<Void>build()));
  }

  private static UUID parseId(String id) {
    // UUID.fromString accepts oddities such as "1-1-1-1-1"; only the canonical form is an id.
    if (id.length() != 36) {
      throw ApiKeyProblems.badRequest("The API key id must be a UUID.");
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiKeyProblems.badRequest("The API key id must be a UUID.");
    }
  }

  /** The checked query parameters of a list request. */
  private static final class PageRequest {
    final int limit;
    final UUID after;

    PageRequest(String limit, String cursor) {
      this.limit = limit == null ? DEFAULT_LIMIT : parseLimit(limit);
      this.after =
          cursor == null
              ? ApiKeyCursor.START
              : ApiKeyCursor.decode(cursor)
                  .orElseThrow(() -> ApiKeyProblems.badRequest("The cursor is not valid."));
    }

    private static int parseLimit(String limit) {
      try {
        int value = Integer.parseInt(limit);
        if (value >= 1 && value <= MAX_LIMIT) {
          return value;
        }
      } catch (NumberFormatException e) {
        // Falls through to the same answer as an out-of-range number.
      }
      throw ApiKeyProblems.badRequest("limit must be an integer from 1 to " + MAX_LIMIT + ".");
    }
  }
}
