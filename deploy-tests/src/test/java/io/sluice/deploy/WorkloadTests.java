package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our two Deployments run the right image with the contract's configuration and probe the
 * management port the apps really listen on (read from their application.yml/properties).
 */
class WorkloadTests {

  static Stream<Manifests> manifests() {
    return Manifests.available();
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void theOnlyDeploymentsAreOurServicesEachRunningItsModulesImage(Manifests manifests) {
    assertThat(manifests.all(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("gateway", "user-service");
    for (Contract.Service service : Contract.SERVICES) {
      Container container = Workloads.container(manifests.deployment(service));
      assertThat(Images.repository(container.getImage())).isEqualTo(service.image());
      assertThat(Repository.file(service.module() + "/Dockerfile")).isRegularFile();
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void probesHitTheActuatorHealthGroupsOnTheManagementPortTheAppListensOn(Manifests manifests) {
    for (Contract.Service service : Contract.SERVICES) {
      int managementPort = service.config().managementPort();
      Container container = Workloads.container(manifests.deployment(service));
      Map<String, Probe> probes =
          Map.of(
              Contract.LIVENESS_PATH + " (startup)",
              container.getStartupProbe(),
              Contract.LIVENESS_PATH,
              container.getLivenessProbe(),
              Contract.READINESS_PATH,
              container.getReadinessProbe());
      probes.forEach(
          (expected, probe) -> {
            assertThat(probe).as("%s %s probe", service.module(), expected).isNotNull();
            assertThat(probe.getHttpGet().getPath()).isEqualTo(expected.split(" ")[0]);
            assertThat(Workloads.resolvePort(container, probe.getHttpGet().getPort()))
                .as("%s probe port", service.module())
                .isEqualTo(managementPort);
          });
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void containerPortsAndPortVariablesAreThePortsTheAppsUse(Manifests manifests) {
    for (Contract.Service service : Contract.SERVICES) {
      AppConfig app = service.config();
      Container container = Workloads.container(manifests.deployment(service));
      assertThat(container.getPorts())
          .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("http", app.serverPort()),
              org.assertj.core.groups.Tuple.tuple("management", app.managementPort()));
      Map<String, String> env = Workloads.environment(manifests, container);
      assertThat(env.getOrDefault("SERVER_PORT", "" + app.serverPort()))
          .isEqualTo("" + app.serverPort());
      assertThat(env.getOrDefault("MANAGEMENT_SERVER_PORT", "" + app.managementPort()))
          .isEqualTo("" + app.managementPort());
      assertThat(
              manifests.deployment(service).getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("prometheus.io/port", "" + app.managementPort())
          .containsEntry("prometheus.io/path", Contract.PROMETHEUS_PATH);
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyEnvironmentVariableIsAContractVariableOfItsService(Manifests manifests) {
    for (Contract.Service service : Contract.SERVICES) {
      Map<String, String> env =
          Workloads.environment(manifests, Workloads.container(manifests.deployment(service)));
      assertThat(env.keySet()).as(service.module()).isSubsetOf(service.variables());
      assertThat(env.keySet()).as(service.module()).containsAll(service.requiredInContainers());
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void theGatewayReachesUserServiceThroughItsServiceOnThePublicPort(Manifests manifests) {
    Map<String, String> env =
        Workloads.environment(
            manifests, Workloads.container(manifests.deployment(Contract.GATEWAY)));
    io.fabric8.kubernetes.api.model.Service userService =
        manifests.get(io.fabric8.kubernetes.api.model.Service.class, "user-service");
    int servicePort =
        userService.getSpec().getPorts().stream()
            .filter(p -> "http".equals(p.getName()))
            .findFirst()
            .orElseThrow()
            .getPort();
    assertThat(env.get("USER_SERVICE_URIS").split(","))
        .containsExactly("http://user-service:" + servicePort);
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyPodRunsNonRootReadOnlyWithoutCapabilities(Manifests manifests) {
    manifests
        .podTemplates()
        .forEach(
            (name, template) -> {
              PodSpec pod = template.getSpec();
              assertThat(pod.getAutomountServiceAccountToken()).as(name).isFalse();
              assertThat(pod.getHostNetwork()).as(name).isNotEqualTo(Boolean.TRUE);
              assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
              assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
              assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                  .isEqualTo("RuntimeDefault");
              assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
              for (Container container : pod.getContainers()) {
                var security = container.getSecurityContext();
                assertThat(security.getReadOnlyRootFilesystem()).as(name).isTrue();
                assertThat(security.getAllowPrivilegeEscalation()).as(name).isFalse();
                assertThat(security.getPrivileged()).as(name).isNotEqualTo(Boolean.TRUE);
                assertThat(security.getCapabilities().getDrop()).as(name).containsExactly("ALL");
                assertThat(security.getCapabilities().getAdd()).as(name).isEmpty();
              }
            });
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void ourAppsWriteOnlyToAnEmptyDirAtTmp(Manifests manifests) {
    for (Contract.Service service : Contract.SERVICES) {
      PodSpec pod = manifests.deployment(service).getSpec().getTemplate().getSpec();
      var mount =
          Workloads.container(manifests.deployment(service)).getVolumeMounts().stream()
              .filter(m -> m.getMountPath().equals("/tmp"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(service.module() + " mounts nothing at /tmp"));
      assertThat(pod.getVolumes())
          .filteredOn(v -> v.getName().equals(mount.getName()))
          .singleElement()
          .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyContainerHasCpuAndMemoryRequestsAndLimits(Manifests manifests) {
    manifests
        .podTemplates()
        .forEach(
            (name, template) ->
                assertThat(template.getSpec().getContainers())
                    .allSatisfy(
                        c -> {
                          assertThat(c.getResources().getRequests())
                              .as(name)
                              .containsKeys("cpu", "memory");
                          assertThat(c.getResources().getLimits())
                              .as(name)
                              .containsKeys("cpu", "memory");
                          for (String resource : new String[] {"cpu", "memory"}) {
                            assertThat(
                                    c.getResources()
                                        .getRequests()
                                        .get(resource)
                                        .getNumericalAmount())
                                .as("%s %s request <= limit", name, resource)
                                .isLessThanOrEqualTo(
                                    c.getResources()
                                        .getLimits()
                                        .get(resource)
                                        .getNumericalAmount());
                          }
                        }));
  }
}
