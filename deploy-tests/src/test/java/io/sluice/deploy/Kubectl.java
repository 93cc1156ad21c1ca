package io.sluice.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders kustomizations with {@code kubectl kustomize}, offline. A fresh machine may lack kubectl
 * (Debian 12 packages only {@code kubernetes-client}, kubectl 1.20 with kustomize v2, too old for
 * these files; kubectl >= 1.27 from pkgs.k8s.io brings kustomize v5): then rendering is skipped and
 * the raw files are still checked. {@code -Ddeploy-tests.kubectl=<path>} picks a binary.
 */
final class Kubectl {

  static final int MIN_KUSTOMIZE_MAJOR = 5;

  private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)");

  private static final Optional<Path> BINARY = find();
  private static final String UNUSABLE = checkUsable();

  private Kubectl() {}

  static boolean usable() {
    return UNUSABLE == null;
  }

  /** Skips the calling test, saying why, when kubectl cannot render here. */
  static void assumeUsable() {
    Assumptions.assumeTrue(usable(), () -> "skipping kustomize rendering: " + UNUSABLE);
  }

  /** The manifests {@code kubectl kustomize <dir>} renders, as one multi-document YAML string. */
  static String kustomize(Path dir) {
    assumeUsable();
    return run(BINARY.orElseThrow().toString(), "kustomize", dir.toString());
  }

  private static Optional<Path> find() {
    // -Ddeploy-tests.kubectl=/path/to/kubectl picks one; any non-executable path (e.g. "none")
    // exercises the no-kubectl fallback.
    String override = System.getProperty("deploy-tests.kubectl");
    if (override != null) {
      return Optional.of(Path.of(override)).filter(Files::isExecutable);
    }
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        candidates.add(Path.of(dir, "kubectl"));
      }
    }
    candidates.add(Path.of("/usr/bin/kubectl"));
    candidates.add(Path.of("/usr/local/bin/kubectl"));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static String checkUsable() {
    if (BINARY.isEmpty()) {
      return "kubectl not found (Debian 12 packages only kubernetes-client: kubectl 1.20 with"
          + " kustomize v2, too old; install kubectl >= 1.27 from https://pkgs.k8s.io)";
    }
    try {
      String version = run(BINARY.get().toString(), "version", "--client");
      Matcher matcher = KUSTOMIZE_VERSION.matcher(version);
      if (!matcher.find()) {
        return BINARY.get() + " reports no kustomize version (kubectl < 1.21?): " + version.trim();
      }
      int major = Integer.parseInt(matcher.group(1));
      return major >= MIN_KUSTOMIZE_MAJOR
          ? null
          : BINARY.get() + " bundles kustomize v" + major + ", these files need v5+";
    } catch (RuntimeException e) {
      return BINARY.get() + " does not run: " + e.getMessage();
    }
  }

  private static String run(String... command) {
    try {
      Path stderr = Files.createTempFile("kubectl", ".err");
      try {
        Process process =
            new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        // Read stdout before waiting, so a large output cannot fill the pipe and stall kubectl.
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              String.join(" ", command)
                  + " failed ("
                  + process.exitValue()
                  + "): "
                  + Files.readString(stderr));
        }
        return out;
      } finally {
        Files.deleteIfExists(stderr);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
