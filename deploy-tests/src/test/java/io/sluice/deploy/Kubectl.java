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
 * Renders kustomizations with {@code kubectl kustomize}, offline. A fresh machine may lack kubectl,
 * and no registry the project may use has one that can render these files: Debian 12 packages only
 * {@code kubernetes-client}, kubectl 1.20 with kustomize v2, which fails on them ({@code unknown
 * field "labels"}), and Maven Central has none; kubectl >= 1.27 brings kustomize v5. Without it,
 * rendering is skipped, the raw files are still checked, and the reason is printed once on the
 * console ({@code redirectTestOutputToFile} is off for this module). {@code
 * -Ddeploy-tests.kubectl=<path>} picks a binary.
 */
final class Kubectl {

  static final int MIN_KUSTOMIZE_MAJOR = 5;

  private static final Pattern KUSTOMIZE_VERSION = Pattern.compile("Kustomize Version: v(\\d+)");

  private static final Optional<Path> BINARY = find();
  private static final String UNUSABLE = checkUsable();

  static {
    if (UNUSABLE != null) {
      System.out.println(
          "[deploy-tests] SKIPPING kustomize rendering of k8s/ (the raw k8s/base files are still"
              + " checked): "
              + UNUSABLE);
    }
  }

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
      return "kubectl not found; install kubectl >= 1.27 (kustomize v5) to render k8s/. Debian 12's"
          + " kubernetes-client is kubectl 1.20, whose kustomize v2 cannot render these files.";
    }
    try {
      return unusableReason(BINARY.get(), run(BINARY.get().toString(), "version", "--client"));
    } catch (RuntimeException e) {
      return BINARY.get() + " does not run: " + e.getMessage();
    }
  }

  /** Why the kubectl that printed {@code version} cannot render k8s/, or {@code null} if it can. */
  static String unusableReason(Path binary, String version) {
    Matcher matcher = KUSTOMIZE_VERSION.matcher(version);
    if (!matcher.find()) {
      return binary
          + " reports no kustomize version: kubectl < 1.21 (Debian 12's kubernetes-client is"
          + " 1.20), whose kustomize v2 cannot render k8s/ (unknown field \"labels\"); install"
          + " kubectl >= 1.27. It said: "
          + version.trim();
    }
    int major = Integer.parseInt(matcher.group(1));
    return major >= MIN_KUSTOMIZE_MAJOR
        ? null
        : binary
            + " bundles kustomize v"
            + major
            + ", k8s/ needs v"
            + MIN_KUSTOMIZE_MAJOR
            + "+ (kubectl >= 1.27)";
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
