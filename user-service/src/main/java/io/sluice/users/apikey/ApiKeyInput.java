package io.sluice.users.apikey;

import io.sluice.common.token.InternalTokenClaims.Scopes;
import io.sluice.users.apikey.ApiKeyProblems.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns request bodies into checked values, collecting every problem before failing, with the users
 * API's conventions: read-only and unknown members are rejected, not ignored.
 */
final class ApiKeyInput {

  static final int MAX_NAME_LENGTH = 100;

  /** Every scope a key can carry, in the order a key's scopes are stored and returned. */
  static final List<String> ALL_SCOPES =
      List.of(Scopes.USERS_READ, Scopes.USERS_WRITE, Scopes.KEYS_ADMIN);

  /** What a key gets when the request names no scopes: the users API, not administration. */
  static final List<String> DEFAULT_SCOPES = List.of(Scopes.USERS_READ, Scopes.USERS_WRITE);

  private static final Set<String> READ_ONLY =
      Set.of("id", "prefix", "key", "keyHash", "createdAt", "lastUsedAt", "revokedAt");
  private static final Set<String> WRITABLE = Set.of("name", "plan", "scopes");
  private static final Pattern KEY_HASH = Pattern.compile("[0-9a-f]{64}");

  private ApiKeyInput() {}

  /** A checked creation request; {@code name} trimmed, {@code scopes} in canonical order. */
  record NewApiKey(String name, String plan, List<String> scopes) {}

  static NewApiKey create(JsonNode body, List<String> plans) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JsonNode> members = members(body, READ_ONLY, WRITABLE, "an API key", errors);
    String name = name(members, errors);
    String plan = plan(members, plans, errors);
    List<String> scopes = scopes(members, errors);
    throwIfAny(errors);
    return new NewApiKey(name, plan, scopes);
  }

  /** The {@code keyHash} of a verification request: 64 lower-case hex digits. */
  static String keyHash(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JsonNode> members =
        members(body, Set.of(), Set.of("keyHash"), "a verification request", errors);
    String hash = string(members, "keyHash", errors);
    if (hash != null && !KEY_HASH.matcher(hash).matches()) {
      errors.add(
          new FieldError("keyHash", "must be the SHA-256 of the key as 64 lower-case hex digits"));
    }
    throwIfAny(errors);
    return hash;
  }

  private static Map<String, JsonNode> members(
      JsonNode body,
      Set<String> readOnly,
      Set<String> writable,
      String what,
      List<FieldError> errors) {
    if (body == null || !body.isObject()) {
      throw ApiKeyProblems.badRequest("The request body must be a JSON object.");
    }
    Map<String, JsonNode> members = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> member : body.properties()) {
      String field = member.getKey();
      if (readOnly.contains(field)) {
        errors.add(new FieldError(field, "is read-only and must not be sent"));
      } else if (!writable.contains(field)) {
        errors.add(new FieldError(abbreviate(field), "is not a field of " + what));
      }
      members.put(field, member.getValue());
    }
    return members;
  }

  private static String name(Map<String, JsonNode> members, List<FieldError> errors) {
    String raw = string(members, "name", errors);
    if (raw == null) {
      return null;
    }
    String name = raw.strip();
    if (name.isEmpty()) {
      errors.add(new FieldError("name", "must not be blank"));
    } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
    } else if (name.codePoints().anyMatch(ApiKeyInput::isForbidden)) {
      errors.add(new FieldError("name", "must not contain control characters"));
    }
    return name;
  }

  private static String plan(
      Map<String, JsonNode> members, List<String> plans, List<FieldError> errors) {
    String plan = string(members, "plan", errors);
    if (plan != null && !plans.contains(plan)) {
      errors.add(new FieldError("plan", "must be one of " + String.join(", ", plans)));
    }
    return plan;
  }

  private static List<String> scopes(Map<String, JsonNode> members, List<FieldError> errors) {
    JsonNode node = members.get("scopes");
    if (node == null) {
      return DEFAULT_SCOPES;
    }
    String allowed = "must be an array of " + String.join(", ", ALL_SCOPES);
    if (!node.isArray()) {
      errors.add(new FieldError("scopes", allowed + " (or left out)"));
      return null;
    }
    List<String> requested = new ArrayList<>();
    for (JsonNode element : node) {
      if (!element.isString() || !ALL_SCOPES.contains(element.stringValue())) {
        errors.add(new FieldError("scopes", allowed));
        return null;
      }
      requested.add(element.stringValue());
    }
    if (requested.isEmpty()) {
      // A key without scopes could authenticate but do nothing; that is a mistake, not a key.
      errors.add(new FieldError("scopes", "must not be empty (leave it out for the default)"));
      return null;
    }
    return ALL_SCOPES.stream().filter(requested::contains).toList();
  }

  private static String string(
      Map<String, JsonNode> members, String field, List<FieldError> errors) {
    JsonNode node = members.get(field);
    if (node == null) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    if (node.isNull()) {
      errors.add(new FieldError(field, "must not be null"));
      return null;
    }
    if (!node.isString()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return node.stringValue();
  }

  private static boolean isForbidden(int codePoint) {
    int type = Character.getType(codePoint);
    return type == Character.CONTROL
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE;
  }

  private static String abbreviate(String field) {
    // The name comes from the client; keep what we echo back short.
    return field.length() <= 64 ? field : field.substring(0, 64) + "...";
  }

  private static void throwIfAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw ApiKeyProblems.invalid(errors);
    }
  }
}
