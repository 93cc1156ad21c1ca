package io.sluice.users;

import io.sluice.testsupport.Database;
import io.sluice.testsupport.TestPostgres;
import java.time.Duration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Base of the HTTP tests: one running service on a real PostgreSQL database, configured through the
 * same variables as in production. Subclasses share the Spring context (and so the database): each
 * uses its own email addresses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class UserServiceIntegrationTest {

  protected static final Database DATABASE = TestPostgres.freshDatabase("user_service");

  @LocalServerPort protected int port;

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    configure(
        registry,
        DATABASE.host(),
        DATABASE.port(),
        DATABASE.name(),
        DATABASE.username(),
        DATABASE.password());
  }

  /** Sets the contract's variables, as the deployment would. */
  public static void configure(
      DynamicPropertyRegistry registry,
      String host,
      int port,
      String name,
      String user,
      String password) {
    registry.add("DB_HOST", () -> host);
    registry.add("DB_PORT", () -> port);
    registry.add("DB_NAME", () -> name);
    registry.add("DB_USER", () -> user);
    registry.add("DB_PASSWORD", () -> password);
    registry.add("INTERNAL_AUTH_SECRET", () -> TestTokens.SECRET);
  }

  protected WebTestClient client() {
    return WebTestClient.bindToServer()
        .baseUrl("http://localhost:" + port)
        .responseTimeout(Duration.ofSeconds(20))
        .build();
  }

  /** A client whose requests carry a valid token with {@code scope}. */
  protected WebTestClient client(String scope) {
    return client()
        .mutate()
        .defaultHeader("Authorization", "Bearer " + TestTokens.token(scope))
        .build();
  }
}
