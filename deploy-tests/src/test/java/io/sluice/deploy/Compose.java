package io.sluice.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml as a typed model of the fields these tests check. YAML anchors and merge keys
 * are resolved by the parser, as Compose resolves them; {@code ${...}} interpolation is not.
 *
 * @param services by name
 * @param volumes top-level named volumes
 */
record Compose(Map<String, Service> services, List<String> volumes) {

  /**
   * One compose service.
   *
   * @param dependsOn service name to {@code condition}
   * @param memoryLimit {@code deploy.resources.limits.memory} (or {@code mem_limit})
   */
  record Service(
      String name,
      String image,
      String buildContext,
      String dockerfile,
      Map<String, String> environment,
      List<String> ports,
      Healthcheck healthcheck,
      Map<String, String> dependsOn,
      String memoryLimit,
      String stopGracePeriod,
      List<String> volumes) {}

  /** {@code test} as its exec-form list ({@code CMD-SHELL} strings become one element). */
  record Healthcheck(List<String> test, String interval, String timeout, Integer retries) {}

  static Compose load() {
    return parse(Repository.read("docker-compose.yml"));
  }

  @SuppressWarnings("unchecked")
  static Compose parse(String text) {
    Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    Map<String, Service> services = new LinkedHashMap<>();
    ((Map<String, Map<String, Object>>) root.get("services"))
        .forEach((name, raw) -> services.put(name, service(name, raw)));
    Map<String, Object> volumes = (Map<String, Object>) root.getOrDefault("volumes", Map.of());
    return new Compose(services, List.copyOf(volumes.keySet()));
  }

  @SuppressWarnings("unchecked")
  private static Service service(String name, Map<String, Object> raw) {
    Object build = raw.get("build");
    String context = null;
    String dockerfile = null;
    if (build instanceof String s) {
      context = s;
    } else if (build instanceof Map<?, ?> b) {
      context = (String) b.get("context");
      dockerfile = (String) b.get("dockerfile");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    Object env = raw.get("environment");
    if (env instanceof Map<?, ?> map) {
      map.forEach((k, v) -> environment.put("" + k, v == null ? null : "" + v));
    } else if (env instanceof List<?> list) {
      list.forEach(
          e -> {
            String[] kv = ("" + e).split("=", 2);
            environment.put(kv[0], kv.length > 1 ? kv[1] : null);
          });
    }
    Map<String, String> dependsOn = new LinkedHashMap<>();
    Object depends = raw.get("depends_on");
    if (depends instanceof List<?> list) {
      list.forEach(d -> dependsOn.put("" + d, "service_started"));
    } else if (depends instanceof Map<?, ?> map) {
      map.forEach((k, v) -> dependsOn.put("" + k, "" + ((Map<String, Object>) v).get("condition")));
    }
    Healthcheck healthcheck = null;
    if (raw.get("healthcheck") instanceof Map<?, ?> h) {
      Object test = h.get("test");
      List<String> command =
          test instanceof List<?> l
              ? l.stream().map(Object::toString).toList()
              : List.of("CMD-SHELL", "" + test);
      healthcheck =
          new Healthcheck(
              command,
              (String) h.get("interval"),
              (String) h.get("timeout"),
              (Integer) h.get("retries"));
    }
    String memory = raw.get("mem_limit") == null ? null : "" + raw.get("mem_limit");
    if (raw.get("deploy") instanceof Map<?, ?> deploy
        && deploy.get("resources") instanceof Map<?, ?> resources
        && resources.get("limits") instanceof Map<?, ?> limits
        && limits.get("memory") != null) {
      memory = "" + limits.get("memory");
    }
    return new Service(
        name,
        (String) raw.get("image"),
        context,
        dockerfile,
        environment,
        ((List<Object>) raw.getOrDefault("ports", List.of()))
            .stream().map(Object::toString).toList(),
        healthcheck,
        dependsOn,
        memory,
        (String) raw.get("stop_grace_period"),
        ((List<Object>) raw.getOrDefault("volumes", List.of()))
            .stream().map(Object::toString).toList());
  }

  /** Services running one of our images, in file order. */
  List<Service> running(Contract.Service service) {
    return services.values().stream()
        .filter(s -> s.image() != null)
        // A tag such as ${SLUICE_IMAGE_TAG:-dev} holds a colon of its own.
        .filter(
            s ->
                Images.repository(s.image().replaceAll("\\$\\{[^}]*}", "tag"))
                    .equals(service.image()))
        .toList();
  }
}
