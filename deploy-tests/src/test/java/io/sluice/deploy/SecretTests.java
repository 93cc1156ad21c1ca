package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No committed file carries a secret value; every secret the workloads read has a documented key.
 */
class SecretTests {

  private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{(\\w+):\\?[^}]*}");

  static Stream<Manifests> manifests() {
    return Manifests.available();
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void noSecretInTheManifestsCarriesAValue(Manifests manifests) {
    for (Secret secret : manifests.all(Secret.class)) {
      assertThat(secret.getData())
          .as(secret.getMetadata().getName())
          .allSatisfy((k, v) -> assertThat(v).isEmpty());
      assertThat(secret.getStringData()).allSatisfy((k, v) -> assertThat(v).isEmpty());
    }
  }

  @Test
  void theSecretTemplateHoldsOnlyEmptyValues() {
    Secret template = template();
    assertThat(template.getMetadata().getName()).isEqualTo(Contract.SECRET_NAME);
    assertThat(template.getData()).isEmpty();
    assertThat(template.getStringData())
        .isNotEmpty()
        .allSatisfy((key, value) -> assertThat(value).as(key).isEmpty());
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everySecretTheWorkloadsReadIsAKeyOfTheDocumentedSecret(Manifests manifests) {
    Set<String> keys = template().getStringData().keySet();
    manifests
        .podTemplates()
        .forEach(
            (name, pod) ->
                pod.getSpec().getContainers().stream()
                    .flatMap(c -> c.getEnv().stream())
                    .filter(e -> e.getValueFrom() != null)
                    .map(e -> e.getValueFrom().getSecretKeyRef())
                    .forEach(
                        ref -> {
                          assertThat(ref.getName()).as(name).isEqualTo(Contract.SECRET_NAME);
                          assertThat(keys).as(name).contains(ref.getKey());
                        }));
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void secretVariablesComeFromTheSecretNeverFromAConfigMapOrALiteral(Manifests manifests) {
    for (Contract.Service service : Contract.SERVICES) {
      Map<String, EnvVar> env = new LinkedHashMap<>();
      Workloads.container(manifests.deployment(service))
          .getEnv()
          .forEach(e -> env.put(e.getName(), e));
      service.variables().stream()
          .filter(Contract.SECRET_VARIABLES::contains)
          .forEach(
              name -> {
                assertThat(env).as("%s %s", service.module(), name).containsKey(name);
                assertThat(env.get(name).getValue()).isNull();
                assertThat(env.get(name).getValueFrom().getSecretKeyRef().getKey()).isEqualTo(name);
              });
    }
    for (ConfigMap configMap : manifests.all(ConfigMap.class)) {
      assertThat(configMap.getData().keySet())
          .doesNotContainAnyElementsOf(Contract.SECRET_VARIABLES);
      configMap
          .getData()
          .values()
          .forEach(v -> assertThat(v).doesNotContainPattern("//[^/@]*:[^/@]*@"));
    }
  }

  @Test
  void theEnvExampleNamesEverySecretComposeRequiresAndGivesNoValue() {
    Map<String, String> example = new LinkedHashMap<>();
    for (String line : Repository.read(".env.example").split("\n")) {
      String trimmed = line.trim();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        int eq = trimmed.indexOf('=');
        assertThat(eq).as(line).isPositive();
        example.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
      }
    }
    assertThat(example).allSatisfy((key, value) -> assertThat(value).as(key).isEmpty());
    Matcher matcher = REQUIRED_VARIABLE.matcher(Repository.read("docker-compose.yml"));
    Set<String> required =
        matcher
            .results()
            .map(r -> r.group(1))
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    assertThat(required).containsExactlyInAnyOrderElementsOf(Contract.SECRET_VARIABLES);
    assertThat(example.keySet()).containsExactlyInAnyOrderElementsOf(required);
  }

  @Test
  void theRealEnvFileIsIgnoredByGitAndByDocker() {
    assertThat(Repository.read(".gitignore").lines()).contains(".env");
    assertThat(new DockerIgnore(Repository.read(".dockerignore")).excludes(".env")).isTrue();
  }

  private static Secret template() {
    return (Secret)
        Manifests.parse(
                Repository.read("k8s/base/secret.template.yaml"), "k8s/base/secret.template.yaml")
            .get(0);
  }
}
