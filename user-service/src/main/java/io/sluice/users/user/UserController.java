package io.sluice.users.user;

import io.sluice.users.user.UserPreconditions.IfMatch;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The users API: HTTP only (status, headers, parameters); the work is done by {@link UserService}.
 * Bodies are read as JSON trees so that types, read-only and unknown fields are checked by {@link
 * UserInput} with messages of ours rather than the JSON binder's.
 */
@RestController
@RequestMapping(path = "/api/users", produces = MediaType.APPLICATION_JSON_VALUE)
class UserController {

  static final String MERGE_PATCH_JSON = "application/merge-patch+json";
  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 200;

  private final UserService users;

  UserController(UserService users) {
    this.users = users;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<UserResponse>> create(@RequestBody JsonNode body) {
    return Mono.fromCallable(() -> UserInput.complete(body))
        .flatMap(users::create)
        .map(
            user ->
                ResponseEntity.created(URI.create("/api/users/" + user.id()))
                    .eTag(UserPreconditions.etag(user.version()))
                    .body(UserResponse.of(user)));
  }

  @GetMapping("/{id}")
  Mono<ResponseEntity<UserResponse>> get(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) List<String> ifNoneMatch) {
    return Mono.fromCallable(() -> parseId(id))
        .flatMap(users::find)
        .map(
            user -> {
              String etag = UserPreconditions.etag(user.version());
              if (UserPreconditions.noneMatchHits(ifNoneMatch, user.version())) {
                return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
              }
              return ResponseEntity.ok().eTag(etag).body(UserResponse.of(user));
            });
  }

  @GetMapping
  Mono<UserPageResponse> list(
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String email) {
    return Mono.fromCallable(() -> new PageRequest(limit, cursor, email))
        .flatMap(request -> users.page(request.after, request.limit, request.email))
        .map(
            page -> {
              List<UserResponse> items = page.users().stream().map(UserResponse::of).toList();
              String next =
                  page.more()
                      ? UserCursor.encode(page.users().get(page.users().size() - 1).id())
                      : null;
              return new UserPageResponse(items, next);
            });
  }

  @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<UserResponse>> replace(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) List<String> ifMatch,
      @RequestBody JsonNode body) {
    return Mono.fromCallable(() -> parseId(id))
        .flatMap(uuid -> users.update(uuid, IfMatch.parse(ifMatch), UserInput.complete(body)))
        .map(UserController::ok);
  }

  @PatchMapping(path = "/{id}", consumes = MERGE_PATCH_JSON)
  Mono<ResponseEntity<UserResponse>> patch(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) List<String> ifMatch,
      @RequestBody JsonNode body) {
    return Mono.fromCallable(() -> parseId(id))
        .flatMap(uuid -> users.update(uuid, IfMatch.parse(ifMatch), UserInput.patch(body)))
        .map(UserController::ok);
  }

  @DeleteMapping("/{id}")
  Mono<ResponseEntity<Void>> delete(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) List<String> ifMatch) {
    return Mono.fromCallable(() -> parseId(id))
        .flatMap(uuid -> users.delete(uuid, IfMatch.parse(ifMatch)))
        .then(Mono.fromSupplier(() -> ResponseEntity.noContent().<Void>build()));
  }

  private static ResponseEntity<UserResponse> ok(User user) {
    return ResponseEntity.ok()
        .eTag(UserPreconditions.etag(user.version()))
        .body(UserResponse.of(user));
  }

  private static UUID parseId(String id) {
    // UUID.fromString accepts oddities such as "1-1-1-1-1"; only the canonical form is an id.
    if (id.length() != 36) {
      throw UserProblems.badRequest("The user id must be a UUID.");
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw UserProblems.badRequest("The user id must be a UUID.");
    }
  }

  /** The checked query parameters of a list request. */
  private static final class PageRequest {
    final int limit;
    final UUID after;
    final String email;

    PageRequest(String limit, String cursor, String email) {
      this.limit = limit == null ? DEFAULT_LIMIT : parseLimit(limit);
      this.after =
          cursor == null
              ? UserCursor.START
              : UserCursor.decode(cursor)
                  .orElseThrow(() -> UserProblems.badRequest("The cursor is not valid."));
      if (email != null && (email.isBlank() || email.length() > UserInput.MAX_EMAIL_LENGTH)) {
        throw UserProblems.badRequest(
            "The email filter must be 1 to " + UserInput.MAX_EMAIL_LENGTH + " characters.");
      }
      this.email = email;
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
      throw UserProblems.badRequest("limit must be an integer from 1 to " + MAX_LIMIT + ".");
    }
  }
}
