package io.sluice.gateway.support;

import io.sluice.gateway.GatewayApplication;
import java.time.Duration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Shared settings of gateway integration tests. */
public final class Gateways {

  /** A valid INTERNAL_AUTH_SECRET for tests (32 bytes). */
  public static final String SECRET = "test-secret-0123456789-abcdefghij";

  /**
   * The bootstrap administrator key of test gateways (src/test/resources/application.properties).
   */
  public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

  private Gateways() {}

  /**
   * A gateway process of its own on random ports, routing to {@code userServiceUris}; its port is
   * the context's {@code local.server.port}.
   */
  public static ConfigurableApplicationContext start(String userServiceUris) {
    return new SpringApplicationBuilder(GatewayApplication.class)
        .run(
            "--server.port=0",
            "--management.server.port=0",
            "--sluice.routing.user-service-uris=" + userServiceUris,
            "--sluice.security.internal-auth-secret=" + SECRET);
  }

  /**
   * A client for a running gateway, authenticated with the administrator key; generous timeout,
   * since the machine is shared.
   */
  public static WebTestClient client(int port) {
    return WebTestClient.bindToServer()
        .baseUrl("http://127.0.0.1:" + port)
        .defaultHeader("X-API-Key", ADMIN_KEY)
        .responseTimeout(Duration.ofSeconds(30))
        .build();
  }
}
