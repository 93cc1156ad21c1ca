package io.sluice.users.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan list is checked at startup, with messages that name the variable. */
class ApiKeyPropertiesTests {

  @Test
  void theConfigRejectsAnEmptyPlanList() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ApiKeyProperties(List.of()))
        .withMessageContaining("SLUICE_API_KEYS_PLANS");
    assertThatIllegalArgumentException().isThrownBy(() -> new ApiKeyProperties(null));
  }

  @Test
  void theConfigRejectsBadOrDuplicatePlanNames() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ApiKeyProperties(List.of("free", "")))
        .withMessageContaining("invalid plan name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ApiKeyProperties(List.of("free plan")))
        .withMessageContaining("invalid plan name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ApiKeyProperties(Arrays.asList("free", null)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ApiKeyProperties(List.of("free", "free")))
        .withMessageContaining("twice");
  }

  @Test
  void validPlansAreKept() {
    assertThat(new ApiKeyProperties(List.of("free", "standard", "partner", "gold.v2")).plans())
        .containsExactly("free", "standard", "partner", "gold.v2");
  }
}
