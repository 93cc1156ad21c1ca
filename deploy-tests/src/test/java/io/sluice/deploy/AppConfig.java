package io.sluice.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What an app's own {@code application.yml}/{@code .yaml}/{@code .properties} says about the values
 * the deploy files must agree with; the contract's defaults where it says nothing (the files are
 * written by the service owners and may not exist yet).
 *
 * @param serverPort public HTTP port
 * @param managementPort actuator port: probes, healthchecks, scraping
 * @param shutdownPhase {@code spring.lifecycle.timeout-per-shutdown-phase}
 */
record AppConfig(int serverPort, int managementPort, Duration shutdownPhase) {

  /** Highest precedence first, as Spring Boot orders them within one location. */
  private static final List<String> FILES =
      List.of("application.properties", "application.yml", "application.yaml");

  /** {@code ${NAME}} or {@code ${NAME:default}}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  static AppConfig of(Contract.Service service) {
    return from(
        Repository.file(service.module() + "/src/main/resources"),
        service.defaultServerPort(),
        service.defaultManagementPort());
  }

  static AppConfig from(Path resources, int defaultServerPort, int defaultManagementPort) {
    Map<String, String> properties = load(resources);
    return new AppConfig(
        port(properties.get("server.port"), defaultServerPort),
        port(properties.get("management.server.port"), defaultManagementPort),
        duration(properties.get("spring.lifecycle.timeout-per-shutdown-phase")));
  }

  /**
   * Flattened properties of the files Spring Boot reads by default ({@code .properties} winning
   * over {@code .yml}, as in Boot); profile-specific YAML documents are ignored.
   */
  static Map<String, String> load(Path resources) {
    Map<String, String> merged = new LinkedHashMap<>();
    for (String name : FILES) {
      Path file = resources.resolve(name);
      if (Files.isRegularFile(file)) {
        Map<String, String> loaded =
            name.endsWith(".properties") ? properties(file) : yaml(Repository.read(file));
        loaded.forEach(merged::putIfAbsent);
      }
    }
    return merged;
  }

  private static Map<String, String> properties(Path file) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(Repository.read(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> flat = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(key -> flat.put(key, properties.getProperty(key)));
    return flat;
  }

  static Map<String, String> yaml(String text) {
    Map<String, String> flat = new LinkedHashMap<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      Map<String, String> doc = new LinkedHashMap<>();
      flatten("", document, doc);
      boolean profileSpecific =
          doc.keySet().stream()
              .anyMatch(
                  k -> k.startsWith("spring.config.activate.") || k.equals("spring.profiles"));
      if (!profileSpecific) {
        flat.putAll(doc);
      }
    }
    return flat;
  }

  private static void flatten(String prefix, Object node, Map<String, String> into) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> flatten(prefix.isEmpty() ? "" + key : prefix + "." + key, value, into));
    } else if (node != null && !prefix.isEmpty()) {
      into.put(prefix, String.valueOf(node));
    }
  }

  /** A literal port, or the default of a {@code ${VAR:default}} placeholder. */
  static int port(String value, int fallback) {
    return resolve(value).map(Integer::parseInt).orElse(fallback);
  }

  private static Duration duration(String value) {
    return resolve(value)
        .map(
            text -> {
              Matcher m = DURATION.matcher(text.trim());
              if (!m.matches()) {
                return Duration.parse(text.trim());
              }
              long amount = Long.parseLong(m.group(1));
              String unit = m.group(2) == null ? "ms" : m.group(2);
              return switch (unit) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofMillis(amount);
              };
            })
        .orElse(Contract.SHUTDOWN_PHASE);
  }

  // A placeholder without a default is set by the environment at deploy time: the contract's
  // default then applies, which is what the deploy files are checked against.
  private static Optional<String> resolve(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Matcher placeholder = PLACEHOLDER.matcher(value.trim());
    if (placeholder.matches()) {
      return Optional.ofNullable(placeholder.group(2)).filter(s -> !s.isBlank());
    }
    return Optional.of(value.trim());
  }
}
