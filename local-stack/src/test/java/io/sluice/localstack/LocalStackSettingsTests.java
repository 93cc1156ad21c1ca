package io.sluice.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackSettingsTests {

  private final Path root = Path.of("/repo");

  @Test
  void theDefaultsAreThePortsInTheReadmeAndTheEmbeddedServers() {
    LocalStackSettings settings =
        LocalStackSettings.from(Map.of("LOCAL_STACK_ROOT", "/repo"), root);

    assertThat(settings.gatewayPort()).isEqualTo(8080);
    assertThat(settings.gatewayManagementPort()).isEqualTo(9080);
    assertThat(settings.userServicePorts()).containsExactly(8081, 8082);
    assertThat(settings.userServiceManagementPorts()).containsExactly(9081, 9082);
    assertThat(settings.postgresPort()).isEqualTo(5432);
    assertThat(settings.redisPort()).isEqualTo(6379);
    assertThat(settings.externalDatabase()).isFalse();
    assertThat(settings.externalRedis()).isFalse();
    assertThat(settings.gatewayJar()).isEqualTo(Path.of("/repo/gateway/target/gateway.jar"));
    assertThat(settings.logDirectory()).isEqualTo(Path.of("/repo/.local-stack/logs"));
    assertThat(settings.adminApiKey()).isNull();
  }

  @Test
  void theContractVariablesSwitchToExistingServers() {
    LocalStackSettings settings =
        LocalStackSettings.from(
            Map.of(
                "LOCAL_STACK_ROOT", "/repo", "DB_HOST", "db.local", "REDIS_URL", "redis://r:6379"),
            root);

    assertThat(settings.externalDatabase()).isTrue();
    assertThat(settings.externalRedis()).isTrue();
  }

  @Test
  void portsAndJavaOptionsCanBeOverridden() {
    LocalStackSettings settings =
        LocalStackSettings.from(
            Map.of(
                "LOCAL_STACK_ROOT", "/repo",
                "LOCAL_STACK_GATEWAY_PORT", "18080",
                "LOCAL_STACK_USER_SERVICE_PORTS", "18081, 18082, 18083",
                "LOCAL_STACK_USER_SERVICE_MANAGEMENT_PORTS", "19081,19082,19083",
                "LOCAL_STACK_JAVA_OPTS", " -Xmx256m  -XX:+UseSerialGC "),
            root);

    assertThat(settings.gatewayPort()).isEqualTo(18080);
    assertThat(settings.userServicePorts()).containsExactly(18081, 18082, 18083);
    assertThat(settings.javaOptions()).isEqualTo(List.of("-Xmx256m", "-XX:+UseSerialGC"));
  }

  @Test
  void aPortListWithoutAManagementPortForEachInstanceIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                LocalStackSettings.from(
                    Map.of("LOCAL_STACK_ROOT", "/repo", "LOCAL_STACK_USER_SERVICE_PORTS", "1,2,3"),
                    root))
        .withMessageContaining("same number of ports");
  }

  @Test
  void aPortThatIsNotANumberIsRejectedByName() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                LocalStackSettings.from(
                    Map.of("LOCAL_STACK_ROOT", "/repo", "LOCAL_STACK_GATEWAY_PORT", "http"), root))
        .withMessageContaining("LOCAL_STACK_GATEWAY_PORT");
  }
}
