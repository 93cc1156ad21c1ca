package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.common.problem.Problems;
import io.sluice.users.apikey.ApiKeyInput.NewApiKey;
import io.sluice.users.apikey.ApiKeyProblems.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creation and verification bodies: every invalid field is reported, nothing is ignored. */
class ApiKeyInputTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> PLANS = List.of("free", "standard", "partner");

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  private static NewApiKey create(String body) {
    return ApiKeyInput.create(json(body), PLANS);
  }

  @SuppressWarnings("unchecked")
  private static List<FieldError> errors(Runnable call) {
    try {
      call.run();
    } catch (ErrorResponseException e) {
      assertThat(e.getStatusCode().value()).isEqualTo(400);
      return (List<FieldError>) e.getBody().getProperties().get(Problems.ERRORS_MEMBER);
    }
    throw new AssertionError("expected a 400");
  }

  @Test
  void aValidRequestIsTrimmedAndGetsTheDefaultScopes() {
    assertThat(create("{\"name\":\"  Mobile app  \",\"plan\":\"free\"}"))
        .isEqualTo(new NewApiKey("Mobile app", "free", List.of("users:read", "users:write")));
  }

  @Test
  void scopesAreDeduplicatedAndPutInCanonicalOrder() {
    assertThat(
            create(
                    "{\"name\":\"n\",\"plan\":\"partner\","
                        + "\"scopes\":[\"keys:admin\",\"users:read\",\"keys:admin\"]}")
                .scopes())
        .containsExactly("users:read", "keys:admin");
  }

  @Test
  void anUnknownPlanIsAnErrorOnPlan() {
    assertThat(errors(() -> create("{\"name\":\"n\",\"plan\":\"gold\"}")))
        .containsExactly(new FieldError("plan", "must be one of free, standard, partner"));
  }

  @Test
  void badScopesAreAnErrorOnScopes() {
    assertThat(errors(() -> create("{\"name\":\"n\",\"plan\":\"free\",\"scopes\":[\"root\"]}")))
        .extracting(FieldError::field)
        .containsExactly("scopes");
    assertThat(errors(() -> create("{\"name\":\"n\",\"plan\":\"free\",\"scopes\":[1]}")))
        .extracting(FieldError::field)
        .containsExactly("scopes");
    assertThat(errors(() -> create("{\"name\":\"n\",\"plan\":\"free\",\"scopes\":\"users:read\"}")))
        .extracting(FieldError::field)
        .containsExactly("scopes");
    assertThat(errors(() -> create("{\"name\":\"n\",\"plan\":\"free\",\"scopes\":[]}")))
        .extracting(FieldError::field)
        .containsExactly("scopes");
    assertThat(errors(() -> create("{\"name\":\"n\",\"plan\":\"free\",\"scopes\":null}")))
        .extracting(FieldError::field)
        .containsExactly("scopes");
  }

  @Test
  void badNamesAreRefused() {
    assertThat(errors(() -> create("{\"name\":\"   \",\"plan\":\"free\"}")))
        .containsExactly(new FieldError("name", "must not be blank"));
    assertThat(errors(() -> create("{\"name\":\"" + "n".repeat(101) + "\",\"plan\":\"free\"}")))
        .containsExactly(new FieldError("name", "must be at most 100 characters"));
    assertThat(errors(() -> create("{\"name\":\"a\\u0000b\",\"plan\":\"free\"}")))
        .containsExactly(new FieldError("name", "must not contain control characters"));
    assertThat(create("{\"name\":\"" + "é".repeat(100) + "\",\"plan\":\"free\"}").name())
        .hasSize(100);
  }

  @Test
  void missingWrongTypedReadOnlyAndUnknownFieldsAreAllListed() {
    assertThat(errors(() -> create("{}")))
        .containsExactlyInAnyOrder(
            new FieldError("name", "is required"), new FieldError("plan", "is required"));
    assertThat(
            errors(
                () ->
                    create(
                        "{\"name\":1,\"plan\":null,\"key\":\"sk_live_x\",\"keyHash\":\"a\","
                            + "\"id\":\"x\",\"colour\":\"red\"}")))
        .containsExactlyInAnyOrder(
            new FieldError("name", "must be a string"),
            new FieldError("plan", "must not be null"),
            new FieldError("key", "is read-only and must not be sent"),
            new FieldError("keyHash", "is read-only and must not be sent"),
            new FieldError("id", "is read-only and must not be sent"),
            new FieldError("colour", "is not a field of an API key"));
  }

  @Test
  void aBodyThatIsNotAnObjectIsABadRequest() {
    assertThatThrownBy(() -> create("[1]"))
        .isInstanceOf(ErrorResponseException.class)
        .hasFieldOrPropertyWithValue("body.detail", "The request body must be a JSON object.");
  }

  @Test
  void aKeyHashMustBe64LowerCaseHexDigits() {
    String hash = "a".repeat(64);
    assertThat(ApiKeyInput.keyHash(json("{\"keyHash\":\"" + hash + "\"}"))).isEqualTo(hash);
    for (String bad : List.of("A".repeat(64), "a".repeat(63), "a".repeat(65), "g".repeat(64))) {
      assertThat(errors(() -> ApiKeyInput.keyHash(json("{\"keyHash\":\"" + bad + "\"}"))))
          .extracting(FieldError::field)
          .containsExactly("keyHash");
    }
    assertThat(errors(() -> ApiKeyInput.keyHash(json("{}"))))
        .containsExactly(new FieldError("keyHash", "is required"));
    assertThat(errors(() -> ApiKeyInput.keyHash(json("{\"keyHash\":\"" + hash + "\",\"k\":1}"))))
        .containsExactly(new FieldError("k", "is not a field of a verification request"));
  }

  @Test
  void cursorsRoundTripAndForeignOnesAreRefused() {
    java.util.UUID id = ApiKeyIds.next();
    assertThat(ApiKeyCursor.decode(ApiKeyCursor.encode(id))).contains(id);
    assertThat(ApiKeyCursor.decode("not-a-cursor")).isEmpty();
    assertThat(ApiKeyCursor.decode("!!!!!!!!!!!!!!!!!!!!!!")).isEmpty();
  }
}
