package io.sluice.gateway.system;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ManagementPortGuardTests {

  @Test
  void theSamePortIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> ManagementPortGuard.check(8080, 8080))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("MANAGEMENT_SERVER_PORT (8080) must differ from SERVER_PORT");
  }

  @Test
  void separatePortsRandomPortsAndNoActuatorAreFine() {
    assertThatCode(() -> ManagementPortGuard.check(8080, 9080)).doesNotThrowAnyException();
    assertThatCode(() -> ManagementPortGuard.check(0, 0)).doesNotThrowAnyException();
    assertThatCode(() -> ManagementPortGuard.check(8080, -1)).doesNotThrowAnyException();
  }
}
