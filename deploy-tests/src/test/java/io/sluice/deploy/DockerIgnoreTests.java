package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The build context (repository root) carries what the Dockerfiles copy and nothing secret. */
class DockerIgnoreTests {

  private final DockerIgnore ignore = new DockerIgnore(Repository.read(".dockerignore"));

  @Test
  void everyFileTheDockerfilesCopyFromTheContextIsSent() throws IOException {
    for (Contract.Service service : Contract.SERVICES) {
      for (Dockerfile.Stage stage : Dockerfile.of(service.module()).stages()) {
        for (Dockerfile.Instruction copy : stage.all("COPY")) {
          if (copy.arguments().contains("--from=")) {
            continue;
          }
          for (String source : DockerfileTests.sources(copy)) {
            for (String file : filesUnder(source)) {
              assertThat(ignore.excludes(file)).as("%s (COPY %s)", file, source).isFalse();
            }
          }
        }
      }
    }
  }

  @Test
  void secretsHistoryBuildOutputAndDeployFilesStayOut() {
    assertThat(
            List.of(
                ".env",
                ".env.example",
                ".git/config",
                "gateway/target/gateway.jar",
                "user-service/target/classes/application.yml",
                "common/target/common-0.1.0-SNAPSHOT.jar",
                "k8s/base/kustomization.yaml",
                "docker-compose.yml",
                ".local-stack/pg/postgresql.conf",
                "README.md"))
        .allSatisfy(path -> assertThat(ignore.excludes(path)).as(path).isTrue());
  }

  @Test
  void theMatcherFollowsDockersLastMatchWinsRules() {
    DockerIgnore rules = new DockerIgnore("*\n!*/src/\n**/target/\n!keep/target/x\n");
    assertThat(rules.excludes("a.txt")).isTrue();
    assertThat(rules.excludes("mod/src/Main.java")).isFalse();
    assertThat(rules.excludes("mod/src/target/x")).isTrue();
    assertThat(rules.excludes("keep/target/x")).isFalse();
  }

  private static List<String> filesUnder(String source) throws IOException {
    Path path = Repository.file(source);
    if (Files.isRegularFile(path)) {
      return List.of(source.replaceAll("/+$", ""));
    }
    assertThat(path).as("COPY source %s", source).isDirectory();
    try (Stream<Path> files = Files.walk(path)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> Repository.root().relativize(f).toString().replace('\\', '/'))
          // Build output in the working tree is never part of a clean checkout.
          .filter(f -> !f.contains("/target/"))
          .toList();
    }
  }
}
