package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GatewayApplicationTests {

  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(GatewayApplication.EVENT_LOOPS_PROPERTY);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(GatewayApplication.EVENT_LOOPS_PROPERTY);
    } else {
      System.setProperty(GatewayApplication.EVENT_LOOPS_PROPERTY, before);
    }
  }

  @Test
  void theGatewayRunsOneEventLoopPerAvailableCore() {
    System.clearProperty(GatewayApplication.EVENT_LOOPS_PROPERTY);

    GatewayApplication.oneEventLoopPerCore();

    assertThat(System.getProperty(GatewayApplication.EVENT_LOOPS_PROPERTY))
        .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void anOperatorsEventLoopCountIsKept() {
    System.setProperty(GatewayApplication.EVENT_LOOPS_PROPERTY, "7");

    GatewayApplication.oneEventLoopPerCore();

    assertThat(System.getProperty(GatewayApplication.EVENT_LOOPS_PROPERTY)).isEqualTo("7");
  }
}
