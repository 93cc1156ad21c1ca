package io.sluice.users.user;

import io.sluice.common.problem.ProblemTypes;
import io.sluice.common.problem.Problems;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The errors of the users feature, as exceptions carrying their problem. They travel down the
 * reactive chain and the central handler in {@code system} renders them.
 */
final class UserProblems {

  private UserProblems() {}

  /** One invalid field of a request; listed in the problem's {@code errors} member. */
  record FieldError(String field, String message) {}

  static ErrorResponseException notFound(UUID id) {
    return of(HttpStatus.NOT_FOUND, "There is no user with id " + id + ".");
  }

  static ErrorResponseException duplicateEmail() {
    return of(HttpStatus.CONFLICT, "Another user already has this email address.");
  }

  static ErrorResponseException stale() {
    return of(
        HttpStatus.PRECONDITION_FAILED,
        "The user has changed since the version named in If-Match; fetch it again.");
  }

  static ErrorResponseException badRequest(String detail) {
    return of(HttpStatus.BAD_REQUEST, detail);
  }

  static ErrorResponseException invalid(List<FieldError> errors) {
    ProblemDetail problem =
        Problems.of(
            HttpStatus.BAD_REQUEST, ProblemTypes.VALIDATION, "The request has invalid fields.");
    problem.setProperty(Problems.ERRORS_MEMBER, List.copyOf(errors));
    return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }

  private static ErrorResponseException of(HttpStatus status, String detail) {
    return new ErrorResponseException(status, Problems.of(status, detail), null);
  }
}
