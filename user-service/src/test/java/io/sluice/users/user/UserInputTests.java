package io.sluice.users.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.common.problem.Problems;
import io.sluice.users.user.UserInput.UserFields;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a user body may contain. */
class UserInputTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  @SuppressWarnings("unchecked")
  private static List<UserProblems.FieldError> errorsOf(Runnable parse) {
    try {
      parse.run();
    } catch (ErrorResponseException e) {
      return (List<UserProblems.FieldError>)
          e.getBody().getProperties().get(Problems.ERRORS_MEMBER);
    }
    throw new AssertionError("no error");
  }

  @Test
  void aCompleteBodyGivesTheEmailAsGivenAndTheNameTrimmed() {
    assertThat(UserInput.complete(json("{\"email\":\"Ada@Example.com\",\"name\":\"\\t Ada \"}")))
        .isEqualTo(new UserFields("Ada@Example.com", "Ada"));
  }

  @Test
  void namesCountCharactersNotBytes() {
    String hundredEmoji = "\\uD83D\\uDE00".repeat(100);
    assertThat(
            UserInput.complete(json("{\"email\":\"e@x.io\",\"name\":\"" + hundredEmoji + "\"}"))
                .name())
        .hasSize(200);
  }

  @Test
  void emailsMustLookLikeMailboxes() {
    for (String bad :
        new String[] {
          "plain",
          "a@b",
          "@x.io",
          "a@.io",
          "a..b@x.io",
          ".a@x.io",
          "a@x..io",
          "a b@x.io",
          "a@-x.io",
          " a@x.io"
        }) {
      assertThat(
              errorsOf(
                  () -> UserInput.complete(json("{\"email\":\"" + bad + "\",\"name\":\"n\"}"))))
          .as(bad)
          .extracting(UserProblems.FieldError::field)
          .containsExactly("email");
    }
    assertThat(
            UserInput.complete(
                    json("{\"email\":\"first.last+tag@sub.example.co.uk\",\"name\":\"n\"}"))
                .email())
        .isEqualTo("first.last+tag@sub.example.co.uk");
    String local65 = "a".repeat(65);
    assertThat(
            errorsOf(
                () ->
                    UserInput.complete(
                        json("{\"email\":\"" + local65 + "@x.io\",\"name\":\"n\"}"))))
        .hasSize(1);
  }

  @Test
  void aPatchMayOmitFieldsButNotNullThem() {
    assertThat(UserInput.patch(json("{}"))).isEqualTo(new UserFields(null, null));
    assertThat(UserInput.patch(json("{\"name\":\"x\"}"))).isEqualTo(new UserFields(null, "x"));
    assertThat(errorsOf(() -> UserInput.patch(json("{\"email\":null}"))))
        .containsExactly(new UserProblems.FieldError("email", "must not be null"));
  }

  @Test
  void readOnlyAndUnknownFieldsAreReportedWithTheOtherErrors() {
    assertThat(
            errorsOf(
                () -> UserInput.complete(json("{\"version\":1,\"nickname\":\"x\",\"name\":\"\"}"))))
        .extracting(UserProblems.FieldError::field)
        .containsExactlyInAnyOrder("version", "nickname", "email", "name");
  }

  @Test
  void aBodyThatIsNotAnObjectIsABadRequest() {
    assertThatThrownBy(() -> UserInput.complete(json("\"text\"")))
        .isInstanceOf(ErrorResponseException.class)
        .hasMessageContaining("400");
  }
}
