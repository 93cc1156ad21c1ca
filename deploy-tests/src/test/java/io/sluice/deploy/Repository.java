package io.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository under test: its root, its files and the modules its root pom lists. */
final class Repository {

  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

  private static final Path ROOT = findRoot();

  private Repository() {}

  static Path root() {
    return ROOT;
  }

  static Path file(String relative) {
    return ROOT.resolve(relative);
  }

  static String read(String relative) {
    return read(file(relative));
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code <module>} entries of the root pom, in order. */
  static List<String> modules() {
    List<String> modules = new ArrayList<>();
    Matcher matcher = MODULE.matcher(read("pom.xml"));
    while (matcher.find()) {
      modules.add(matcher.group(1));
    }
    return modules;
  }

  // Maven runs the tests with the module directory as working directory; IDEs may use the root.
  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isRegularFile(dir.resolve("deploy-tests/pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "repository root not found above " + Path.of("").toAbsolutePath());
  }
}
