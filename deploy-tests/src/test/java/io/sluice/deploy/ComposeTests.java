package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docker-compose.yml runs the whole stack with real health gating, contract config and limits. */
class ComposeTests {

  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{(\\w+):\\?[^}]+}");

  private final Compose compose = Compose.load();

  @Test
  void itRunsPostgresql16OrNewerOnANamedVolumeAndRedis7() {
    Compose.Service postgres = compose.services().get("postgres");
    assertThat(postgres.image()).matches("postgres:(1[6-9]|[2-9]\\d)\\b.*");
    assertThat(postgres.volumes())
        .anySatisfy(
            v -> {
              String volume = v.split(":")[0];
              assertThat(compose.volumes()).contains(volume);
              assertThat(v).endsWith(":/var/lib/postgresql/data");
            });
    assertThat(compose.services().get("redis").image()).matches("redis:7\\b.*");
  }

  @Test
  void itRunsTwoUserServiceInstancesAndOneGatewayPublishedOnItsPort() {
    assertThat(compose.running(Contract.USER_SERVICE))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.ports()).isEmpty());
    assertThat(compose.running(Contract.GATEWAY))
        .singleElement()
        .satisfies(
            g ->
                assertThat(g.ports())
                    .contains(
                        Contract.GATEWAY.config().serverPort()
                            + ":"
                            + Contract.GATEWAY.config().serverPort()));
  }

  @Test
  void ourImagesAreBuiltFromTheRepositoryRootWithTheirModulesDockerfile() {
    for (Contract.Service service : Contract.SERVICES) {
      assertThat(compose.running(service))
          .allSatisfy(
              s -> {
                assertThat(s.buildContext()).isEqualTo(".");
                assertThat(s.dockerfile()).isEqualTo(service.module() + "/Dockerfile");
                assertThat(Repository.file(s.dockerfile())).isRegularFile();
              });
    }
  }

  @Test
  void everyServiceHasAHealthcheckAndEveryDependencyWaitsForIt() {
    for (Compose.Service service : compose.services().values()) {
      assertThat(service.healthcheck()).as(service.name()).isNotNull();
      assertThat(service.healthcheck().test().get(0)).isIn("CMD", "CMD-SHELL");
      service
          .dependsOn()
          .forEach(
              (dependency, condition) -> {
                assertThat(compose.services()).containsKey(dependency);
                assertThat(condition)
                    .as("%s -> %s", service.name(), dependency)
                    .isEqualTo("service_healthy");
              });
    }
    Compose.Service gateway = compose.running(Contract.GATEWAY).get(0);
    assertThat(gateway.dependsOn().keySet())
        .contains("redis")
        .containsAll(
            compose.running(Contract.USER_SERVICE).stream().map(Compose.Service::name).toList());
    assertThat(compose.running(Contract.USER_SERVICE))
        .allSatisfy(s -> assertThat(s.dependsOn()).containsKey("postgres"));
  }

  @Test
  void ourHealthchecksAskForReadinessOnTheManagementPortTheAppListensOn() {
    for (Contract.Service service : Contract.SERVICES) {
      int managementPort = service.config().managementPort();
      for (Compose.Service container : compose.running(service)) {
        List<String> test = container.healthcheck().test();
        assertThat(test.subList(0, 2)).as(container.name()).containsExactly("CMD", "curl");
        // --fail (or -f in a flag group such as -fsS): an HTTP 503 must fail the check.
        assertThat(test).anyMatch(a -> a.equals("--fail") || a.matches("-[a-zA-Z]*f[a-zA-Z]*"));
        URI uri = URI.create(test.get(test.size() - 1));
        assertThat(uri.getHost()).isIn("127.0.0.1", "localhost");
        assertThat(uri.getPort()).isEqualTo(managementPort);
        assertThat(uri.getPath()).isEqualTo(Contract.READINESS_PATH);
      }
    }
  }

  @Test
  void ourServicesGetOnlyContractVariablesWithThePortsTheAppsUse() {
    for (Contract.Service service : Contract.SERVICES) {
      AppConfig app = service.config();
      for (Compose.Service container : compose.running(service)) {
        Map<String, String> env = container.environment();
        assertThat(env.keySet())
            .as(container.name())
            .isSubsetOf(service.variables())
            .containsAll(service.requiredInContainers());
        assertThat(env.getOrDefault("SERVER_PORT", "" + app.serverPort()))
            .isEqualTo("" + app.serverPort());
        assertThat(env.getOrDefault("MANAGEMENT_SERVER_PORT", "" + app.managementPort()))
            .isEqualTo("" + app.managementPort());
      }
    }
  }

  @Test
  void secretsComeFromTheEnvFileAndFailFastWhenMissing() {
    for (Compose.Service service : compose.services().values()) {
      service
          .environment()
          .forEach(
              (name, value) -> {
                boolean secret =
                    Contract.SECRET_VARIABLES.contains(name) || name.endsWith("PASSWORD");
                if (secret) {
                  var matcher = INTERPOLATION.matcher(value);
                  assertThat(matcher.matches())
                      .as("%s %s=%s", service.name(), name, value)
                      .isTrue();
                }
              });
    }
    // One secret shared by the database and the service that logs into it.
    assertThat(compose.services().get("postgres").environment().get("POSTGRES_PASSWORD"))
        .isEqualTo(compose.running(Contract.USER_SERVICE).get(0).environment().get("DB_PASSWORD"));
  }

  @Test
  void theGatewayBalancesOverEveryUserServiceInstanceByName() {
    String uris = compose.running(Contract.GATEWAY).get(0).environment().get("USER_SERVICE_URIS");
    Map<String, Integer> targets =
        java.util.Arrays.stream(uris.split(","))
            .map(String::trim)
            .map(URI::create)
            .collect(Collectors.toMap(URI::getHost, URI::getPort));
    List<Compose.Service> instances = compose.running(Contract.USER_SERVICE);
    assertThat(targets.keySet())
        .containsExactlyInAnyOrderElementsOf(
            instances.stream().map(Compose.Service::name).toList());
    instances.forEach(
        i ->
            assertThat(targets.get(i.name()))
                .isEqualTo(
                    Integer.parseInt(
                        i.environment()
                            .getOrDefault(
                                "SERVER_PORT", "" + Contract.USER_SERVICE.config().serverPort()))));
    String redis = compose.running(Contract.GATEWAY).get(0).environment().get("REDIS_URL");
    assertThat(compose.services()).containsKey(URI.create(redis).getHost());
    assertThat(compose.running(Contract.USER_SERVICE))
        .allSatisfy(
            s -> assertThat(compose.services()).containsKey(s.environment().get("DB_HOST")));
  }

  @Test
  void everyServiceHasAMemoryLimitAndOursOutwaitTheirShutdownPhase() {
    compose
        .services()
        .values()
        .forEach(s -> assertThat(s.memoryLimit()).as(s.name()).matches("\\d+[kKmMgG]?"));
    for (Contract.Service service : Contract.SERVICES) {
      Duration phase = service.config().shutdownPhase();
      compose
          .running(service)
          .forEach(
              s ->
                  assertThat(Duration.parse("PT" + s.stopGracePeriod().toUpperCase()))
                      .as(s.name())
                      .isGreaterThan(phase));
    }
  }
}
