package io.sluice.users.user;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A user as stored. {@code version} drives optimistic locking and the ETag; it is {@code null} only
 * before the first insert, which is how Spring Data tells an insert from an update when the id is
 * assigned by the service.
 */
@Table("users")
record User(
    @Id UUID id,
    String email,
    String name,
    Instant createdAt,
    Instant updatedAt,
    @Version Long version) {

  /** Lets Spring Data set the version it wrote; records have no setters. */
  User withVersion(Long newVersion) {
    return new User(id, email, name, createdAt, updatedAt, newVersion);
  }

  User withContent(String newEmail, String newName, Instant now) {
    return new User(id, newEmail, newName, createdAt, now, version);
  }

  boolean hasContent(String otherEmail, String otherName) {
    return email.equals(otherEmail) && name.equals(otherName);
  }
}
