package io.sluice.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The parts of a {@code kustomization.yaml} these tests read.
 *
 * @param dir its directory
 * @param resources {@code resources} entries: files or directories, relative to {@code dir}
 * @param patchFiles {@code path} of every {@code patches} entry that names a file
 */
record Kustomization(Path dir, List<String> resources, List<String> patchFiles) {

  @SuppressWarnings("unchecked")
  static Kustomization of(Path dir) {
    Map<String, Object> yaml =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(Repository.read(dir.resolve("kustomization.yaml")));
    List<String> resources = (List<String>) yaml.getOrDefault("resources", List.of());
    List<Map<String, Object>> patches =
        (List<Map<String, Object>>) yaml.getOrDefault("patches", List.of());
    List<String> patchFiles =
        patches.stream()
            .map(p -> (String) p.get("path"))
            .filter(java.util.Objects::nonNull)
            .toList();
    return new Kustomization(dir, resources, patchFiles);
  }
}
