package io.sluice.users.user;

import java.time.Instant;
import java.util.UUID;

/** A user as clients see it; the version travels as the ETag, not in the body. */
record UserResponse(UUID id, String email, String name, Instant createdAt, Instant updatedAt) {

  static UserResponse of(User user) {
    return new UserResponse(
        user.id(), user.email(), user.name(), user.createdAt(), user.updatedAt());
  }
}
