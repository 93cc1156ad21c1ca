package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kustomization renders, every file under k8s/ is valid typed Kubernetes YAML. */
class KustomizationRenderingTests {

  static Stream<String> kustomizations() {
    return Manifests.KUSTOMIZATIONS.stream();
  }

  static Stream<Path> yamlFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Repository.file("k8s"))) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void theKustomizationsUnderTestAreAllThatExist() throws IOException {
    try (Stream<Path> files = Files.walk(Repository.file("k8s"))) {
      List<String> found =
          files
              .filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
              .map(f -> Repository.file("k8s").relativize(f.getParent()).toString())
              .sorted()
              .toList();
      assertThat(found).containsExactlyInAnyOrderElementsOf(Manifests.KUSTOMIZATIONS);
    }
  }

  @ParameterizedTest
  @MethodSource("kustomizations")
  void everyKustomizationRendersWithKubectlIntoTypedObjects(String kustomization) {
    Kubectl.assumeUsable();
    Manifests manifests = Manifests.rendered(kustomization);
    assertThat(manifests.items()).isNotEmpty();
    assertThat(manifests.items()).noneMatch(GenericKubernetesResource.class::isInstance);
    assertThat(manifests.items())
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isIn(null, "sluice"))
        .filteredOn(o -> !o.getKind().equals("Namespace"))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("sluice"));
  }

  @ParameterizedTest
  @MethodSource("yamlFiles")
  void everyYamlFileUnderK8sParsesIntoTypedKubernetesObjects(Path file) {
    List<HasMetadata> objects = Manifests.parse(Repository.read(file), file.toString());
    assertThat(objects).isNotEmpty();
    assertThat(objects)
        .allSatisfy(
            o -> {
              assertThat(o).isNotInstanceOf(GenericKubernetesResource.class);
              assertThat(o.getMetadata().getName()).isNotBlank();
            });
  }

  @ParameterizedTest
  @MethodSource("kustomizations")
  void everyResourceAndPatchAKustomizationNamesExists(String kustomization) {
    Kustomization k = Kustomization.of(Repository.file("k8s/" + kustomization));
    assertThat(k.resources()).isNotEmpty();
    for (String resource : k.resources()) {
      Path path = k.dir().resolve(resource).normalize();
      assertThat(
              Files.isRegularFile(path) || Files.isRegularFile(path.resolve("kustomization.yaml")))
          .as("%s lists %s", kustomization, resource)
          .isTrue();
    }
    assertThat(k.patchFiles()).allSatisfy(p -> assertThat(k.dir().resolve(p)).isRegularFile());
  }

  @Test
  void theSecretTemplateIsNotPartOfAnyKustomization() {
    for (String kustomization : Manifests.KUSTOMIZATIONS) {
      assertThat(Kustomization.of(Repository.file("k8s/" + kustomization)).resources())
          .noneMatch(r -> r.contains("secret"));
    }
    Kubectl.assumeUsable();
    Manifests.KUSTOMIZATIONS.forEach(
        k -> assertThat(Manifests.rendered(k).all(Secret.class)).as(k).isEmpty());
  }

  @Test
  void theDevOverlayRunsPostgresqlWithAVolumeAndRedisInTheCluster() {
    Kubectl.assumeUsable();
    Manifests dev = Manifests.rendered("overlays/dev");
    StatefulSet postgres = dev.get(StatefulSet.class, "postgres");
    assertThat(postgres.getSpec().getVolumeClaimTemplates()).hasSize(1);
    assertThat(postgres.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .matches("postgres:(1[6-9]|[2-9]\\d)\\b.*");
    assertThat(dev.get(StatefulSet.class, "redis").getSpec().getTemplate().getSpec())
        .satisfies(p -> assertThat(p.getContainers().get(0).getImage()).startsWith("redis:7"));
    assertThat(dev.get(Service.class, "postgres")).isNotNull();
    assertThat(dev.get(Service.class, "redis")).isNotNull();
    assertThat(dev.get(ConfigMap.class, "user-service-config").getData())
        .containsEntry("DB_HOST", "postgres");
    assertThat(dev.get(ConfigMap.class, "gateway-config").getData())
        .containsEntry("REDIS_URL", "redis://redis:6379");
  }

  @Test
  void theProdOverlayUsesExternalDataStoresAndRunsNoneInTheCluster() {
    Kubectl.assumeUsable();
    Manifests prod = Manifests.rendered("overlays/prod");
    assertThat(prod.all(StatefulSet.class)).isEmpty();
    assertThat(prod.find(Service.class, "postgres")).isEmpty();
    assertThat(prod.find(Service.class, "redis")).isEmpty();
    assertThat(prod.get(ConfigMap.class, "user-service-config").getData().get("DB_HOST"))
        .contains(".")
        .isNotEqualTo("postgres");
    // The managed Redis URL may carry a password: from the Secret, not the ConfigMap.
    assertThat(prod.get(ConfigMap.class, "gateway-config").getData())
        .doesNotContainKey("REDIS_URL");
    assertThat(prod.deployment(Contract.GATEWAY).getSpec().getTemplate().getSpec().getContainers())
        .flatMap(c -> c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("REDIS_URL");
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo(Contract.SECRET_NAME);
            });
    assertThat(prod.all(Deployment.class)).hasSize(2);
  }
}
