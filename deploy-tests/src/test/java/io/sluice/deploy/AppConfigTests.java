package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the ports the apps really use from their configuration files. */
class AppConfigTests {

  @TempDir Path resources;

  @Test
  void aPlaceholderGivesItsDefaultAndALiteralItself() throws IOException {
    Files.writeString(
        resources.resolve("application.yml"),
        """
        server:
          port: ${SERVER_PORT:8181}
        management.server.port: 9191
        spring.lifecycle.timeout-per-shutdown-phase: 25s
        """);
    assertThat(AppConfig.from(resources, 1, 2))
        .isEqualTo(new AppConfig(8181, 9191, Duration.ofSeconds(25)));
  }

  @Test
  void missingFilesOrPropertiesFallBackToTheContractDefaults() {
    assertThat(AppConfig.from(resources, 8080, 9080))
        .isEqualTo(new AppConfig(8080, 9080, Contract.SHUTDOWN_PHASE));
  }

  @Test
  void aPlaceholderWithoutDefaultMeansTheContractDefaultIsExpected() throws IOException {
    Files.writeString(resources.resolve("application.yml"), "management.server.port: ${MGMT}\n");
    assertThat(AppConfig.from(resources, 8080, 9080).managementPort()).isEqualTo(9080);
  }

  @Test
  void propertiesWinOverYamlAndProfileDocumentsAreIgnored() throws IOException {
    Files.writeString(
        resources.resolve("application.yml"),
        """
        management.server.port: 1111
        server.port: 2222
        ---
        spring.config.activate.on-profile: local
        server.port: 3333
        """);
    Files.writeString(
        resources.resolve("application.properties"), "management.server.port=${P:4444}\n");
    assertThat(AppConfig.from(resources, 1, 2))
        .satisfies(
            c -> {
              assertThat(c.managementPort()).isEqualTo(4444);
              assertThat(c.serverPort()).isEqualTo(2222);
            });
  }

  @Test
  void eachServiceResolvesToThePortsTheTeamFixed() {
    // The team's fixed decision; an app that changes its port must change the deploy files too.
    assertThat(Contract.GATEWAY.config().serverPort()).isEqualTo(8080);
    assertThat(Contract.GATEWAY.config().managementPort()).isEqualTo(9080);
    assertThat(Contract.USER_SERVICE.config().serverPort()).isEqualTo(8081);
    assertThat(Contract.USER_SERVICE.config().managementPort()).isEqualTo(9081);
  }
}
