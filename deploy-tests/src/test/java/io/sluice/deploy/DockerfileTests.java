package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.deploy.Dockerfile.Instruction;
import io.sluice.deploy.Dockerfile.Stage;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each service's image: built with the Maven Wrapper, shipped as a layered jar on a bare JRE. */
class DockerfileTests {

  private static final List<String> LAYERS =
      List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

  private static final Pattern JSON_ARRAY =
      Pattern.compile("\\[\\s*(\"[^\"]*\"(\\s*,\\s*\"[^\"]*\")*)\\s*]");

  static Stream<Contract.Service> services() {
    return Contract.SERVICES.stream();
  }

  @ParameterizedTest
  @MethodSource("services")
  void theBuildStageCachesDependenciesFromEveryReactorPomBeforeCopyingSources(
      Contract.Service service) {
    Stage build = Dockerfile.of(service.module()).stages().get(0);
    List<Instruction> instructions = build.instructions();
    int firstRun = indexOf(instructions, "RUN");
    List<String> copiedBeforeRun =
        instructions.subList(0, firstRun).stream()
            .filter(i -> i.keyword().equals("COPY"))
            .map(i -> sources(i).get(0))
            .toList();
    assertThat(copiedBeforeRun).contains("mvnw", ".mvn/", "pom.xml");
    for (String module : Repository.modules()) {
      assertThat(copiedBeforeRun)
          .as("pom of reactor module %s", module)
          .contains(module + "/pom.xml");
    }
    assertThat(copiedBeforeRun).noneMatch(s -> s.contains("/src"));
    assertThat(instructions.get(firstRun).arguments())
        .contains("./mvnw", "-pl " + service.module(), "-am", "dependency:go-offline");
  }

  @ParameterizedTest
  @MethodSource("services")
  void theBuildStagePackagesTheModuleWithTheWrapperAndExtractsItsLayers(Contract.Service service) {
    Stage build = Dockerfile.of(service.module()).stages().get(0);
    assertThat(build.name()).isNotBlank();
    String packaging =
        build.all("RUN").stream()
            .map(Instruction::arguments)
            .filter(a -> a.contains(" package"))
            .findFirst()
            .orElseThrow();
    assertThat(packaging)
        .contains("./mvnw -B", "-DskipTests", "-pl " + service.module() + " -am package")
        .contains(
            "java -Djarmode=tools -jar "
                + service.module()
                + "/target/"
                + service.module()
                + ".jar extract --layers --launcher --destination");
    assertThat(build.all("COPY").stream().flatMap(i -> sources(i).stream()))
        .contains("common/src/", "test-support/src/", service.module() + "/src/");
  }

  @ParameterizedTest
  @MethodSource("services")
  void theRuntimeStageIsAJreWithoutBuildToolsOrSources(Contract.Service service) {
    Dockerfile dockerfile = Dockerfile.of(service.module());
    assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
    Stage runtime = dockerfile.runtime();
    assertThat(runtime.from()).containsPattern("^eclipse-temurin:(1[7-9]|[2-9]\\d)-jre\\b");
    assertThat(runtime.text()).doesNotContain("mvnw", "mvn ", ".mvn", "/src", "apt-get install");
    assertThat(runtime.all("COPY"))
        .allSatisfy(
            copy ->
                assertThat(copy.arguments())
                    .startsWith("--from=" + dockerfile.stages().get(0).name() + " "));
  }

  @ParameterizedTest
  @MethodSource("services")
  void theRuntimeStageCopiesTheFourLayersLeastChangingFirst(Contract.Service service) {
    List<String> copied =
        Dockerfile.of(service.module()).runtime().all("COPY").stream()
            .map(i -> sources(i).get(0))
            .toList();
    assertThat(copied)
        .containsExactlyElementsOf(
            LAYERS.stream().map(l -> "/workspace/extracted/" + l + "/").toList());
  }

  @ParameterizedTest
  @MethodSource("services")
  void theImageRunsAsANumericNonRootUser(Contract.Service service) {
    Stage runtime = Dockerfile.of(service.module()).runtime();
    assertThat(runtime.all("USER"))
        .singleElement()
        .satisfies(u -> assertThat(u.arguments()).matches("[1-9]\\d{3,}(:[1-9]\\d{3,})?"));
    int user = indexOf(runtime.instructions(), "USER");
    assertThat(indexOf(runtime.instructions(), "ENTRYPOINT")).isGreaterThan(user);
  }

  @ParameterizedTest
  @MethodSource("services")
  void theEntrypointIsExecFormJavaSizedByTheContainerRunningTheJarLauncher(
      Contract.Service service) {
    Stage runtime = Dockerfile.of(service.module()).runtime();
    assertThat(runtime.all("CMD")).isEmpty();
    String entrypoint = runtime.all("ENTRYPOINT").get(0).arguments();
    Matcher json = JSON_ARRAY.matcher(entrypoint);
    assertThat(json.matches()).as("exec form: %s", entrypoint).isTrue();
    List<String> args =
        Arrays.stream(json.group(1).split("\\s*,\\s*"))
            .map(a -> a.substring(1, a.length() - 1))
            .toList();
    assertThat(args.get(0)).isEqualTo("java");
    // The heap is bounded either by the container (a percentage of its limit) or by a fixed
    // budget an operator can replace (JDK_JAVA_OPTIONS), never by a flag baked into the command.
    String env = String.join(" ", runtime.all("ENV").stream().map(e -> e.arguments()).toList());
    assertThat(
            args.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage="))
                || env.matches("(?s).*JDK_JAVA_OPTIONS=\"[^\"]*-Xmx\\d+[mg][^\"]*\".*"))
        .as("heap bound of %s: %s / %s", service.module(), args, env)
        .isTrue();
    assertThat(args).noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-Xms"));
    // A fixed young size would not follow an operator's -Xmx; a ratio does.
    assertThat(args).noneMatch(a -> a.startsWith("-Xmn") || a.startsWith("-XX:NewSize"));
    if (args.contains("-XX:+UseSerialGC")) {
      // In-flight request objects must die in the survivor spaces, not be promoted (full GCs).
      assertThat(args)
          .as("young generation of %s", service.module())
          .contains("-XX:NewRatio=1", "-XX:SurvivorRatio=2", "-XX:TargetSurvivorRatio=90");
    }
    assertThat(args).contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(args.get(args.size() - 1))
        .isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
  }

  @ParameterizedTest
  @MethodSource("services")
  void theImageExposesTheAppsPortsAndShipsTheHealthcheckTool(Contract.Service service) {
    AppConfig app = service.config();
    Stage runtime = Dockerfile.of(service.module()).runtime();
    assertThat(runtime.all("EXPOSE"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.arguments().split(" "))
                    .containsExactlyInAnyOrder("" + app.serverPort(), "" + app.managementPort()));
    // docker-compose.yml's healthchecks run curl inside the container.
    assertThat(runtime.all("RUN"))
        .anySatisfy(r -> assertThat(r.arguments()).startsWith("curl --version"));
    assertThat(Repository.read(service.module() + "/Dockerfile"))
        .contains("-t " + service.image() + " .");
  }

  private static int indexOf(List<Instruction> instructions, String keyword) {
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals(keyword)) {
        return i;
      }
    }
    throw new AssertionError("no " + keyword);
  }

  /** The source paths of a COPY (flags and destination dropped). */
  static List<String> sources(Instruction copy) {
    List<String> words =
        Arrays.stream(copy.arguments().split(" ")).filter(w -> !w.startsWith("--")).toList();
    return words.subList(0, words.size() - 1);
  }
}
