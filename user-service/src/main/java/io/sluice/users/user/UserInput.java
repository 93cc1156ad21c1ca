package io.sluice.users.user;

import io.sluice.users.user.UserProblems.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns a request body into checked user fields, collecting every problem before failing so the
 * client sees all of them at once. Read-only fields ({@code id}, {@code createdAt}, {@code
 * updatedAt}, {@code version}) and unknown fields are rejected rather than ignored: silently
 * dropping them would let a client believe it changed something it did not.
 */
final class UserInput {

  static final int MAX_EMAIL_LENGTH = 254;
  static final int MAX_NAME_LENGTH = 100;

  private static final Set<String> READ_ONLY = Set.of("id", "createdAt", "updatedAt", "version");
  private static final Set<String> WRITABLE = Set.of("email", "name");

  // Dot-atom local part and a host name with at least two labels (RFC 5321 without quoted local
  // parts, address literals or non-ASCII, which no real mailbox of ours needs).
  private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
  private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  private static final Pattern EMAIL =
      Pattern.compile(ATOM + "(?:\\." + ATOM + ")*@" + LABEL + "(?:\\." + LABEL + ")+");

  private UserInput() {}

  /** Both fields, for create and full replace; {@code name} comes back trimmed. */
  static UserFields complete(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JsonNode> members = members(body, errors);
    String email = email(members, true, errors);
    String name = name(members, true, errors);
    throwIfAny(errors);
    return new UserFields(email, name);
  }

  /**
   * A JSON merge patch (RFC 7396): absent fields stay; {@code null} would delete, so it is refused.
   */
  static UserFields patch(JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, JsonNode> members = members(body, errors);
    String email = email(members, false, errors);
    String name = name(members, false, errors);
    throwIfAny(errors);
    return new UserFields(email, name);
  }

  private static Map<String, JsonNode> members(JsonNode body, List<FieldError> errors) {
    if (body == null || !body.isObject()) {
      throw UserProblems.badRequest("The request body must be a JSON object.");
    }
    Map<String, JsonNode> members = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> member : body.properties()) {
      String field = member.getKey();
      if (READ_ONLY.contains(field)) {
        errors.add(new FieldError(field, "is read-only and must not be sent"));
      } else if (!WRITABLE.contains(field)) {
        errors.add(new FieldError(abbreviate(field), "is not a field of a user"));
      }
      members.put(field, member.getValue());
    }
    return members;
  }

  private static String email(
      Map<String, JsonNode> members, boolean required, List<FieldError> errors) {
    String email = string(members, "email", required, errors);
    if (email == null) {
      return null;
    }
    if (email.length() > MAX_EMAIL_LENGTH) {
      errors.add(new FieldError("email", "must be at most " + MAX_EMAIL_LENGTH + " characters"));
    } else if (!EMAIL.matcher(email).matches() || email.indexOf('@') > 64) {
      errors.add(new FieldError("email", "must be a valid email address"));
    }
    return email;
  }

  private static String name(
      Map<String, JsonNode> members, boolean required, List<FieldError> errors) {
    String raw = string(members, "name", required, errors);
    if (raw == null) {
      return null;
    }
    String name = raw.strip();
    if (name.isEmpty()) {
      errors.add(new FieldError("name", "must not be blank"));
    } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
      errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
    } else if (name.codePoints().anyMatch(UserInput::isForbidden)) {
      errors.add(new FieldError("name", "must not contain control characters"));
    }
    return name;
  }

  private static String string(
      Map<String, JsonNode> members, String field, boolean required, List<FieldError> errors) {
    JsonNode node = members.get(field);
    if (node == null) {
      if (required) {
        errors.add(new FieldError(field, "is required"));
      }
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
      throw UserProblems.invalid(errors);
    }
  }

  /** Checked user fields; in a patch, {@code null} means "leave as it is". */
  record UserFields(String email, String name) {}
}
