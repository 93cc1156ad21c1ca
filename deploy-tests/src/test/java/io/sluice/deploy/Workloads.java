package io.sluice.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.Map;

/** Questions about pod templates that need more than one object to answer. */
final class Workloads {

  private Workloads() {}

  /** The single container of one of our Deployments. */
  static Container container(Deployment deployment) {
    var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    if (containers.size() != 1) {
      throw new AssertionError(deployment.getMetadata().getName() + ": expected one container");
    }
    return containers.get(0);
  }

  /**
   * The container's environment as the kubelet builds it: ConfigMaps from {@code envFrom} first,
   * then {@code env}, which wins. Values from Secrets appear as {@code secret:<name>/<key>}.
   */
  static Map<String, String> environment(Manifests manifests, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource source : container.getEnvFrom()) {
      if (source.getConfigMapRef() == null) {
        throw new AssertionError("only ConfigMaps are expected in envFrom: " + source);
      }
      String name = source.getConfigMapRef().getName();
      ConfigMap configMap = manifests.get(ConfigMap.class, name);
      env.putAll(configMap.getData());
    }
    for (EnvVar var : container.getEnv()) {
      if (var.getValueFrom() == null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom().getSecretKeyRef() != null) {
        var ref = var.getValueFrom().getSecretKeyRef();
        env.put(var.getName(), "secret:" + ref.getName() + "/" + ref.getKey());
      } else {
        env.put(var.getName(), "from:" + var.getValueFrom());
      }
    }
    return env;
  }

  /** A port given by number or by the name of one of the container's ports. */
  static int resolvePort(Container container, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError(container.getName() + " has no port " + port.getStrVal()));
  }

  /** Whether a label selector selects the given labels (an empty selector selects everything). */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.getMatchLabels() != null) {
      for (var entry : selector.getMatchLabels().entrySet()) {
        if (!entry.getValue().equals(actual.get(entry.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        String value = actual.get(requirement.getKey());
        boolean matches =
            switch (requirement.getOperator()) {
              case "In" -> value != null && requirement.getValues().contains(value);
              case "NotIn" -> value == null || !requirement.getValues().contains(value);
              case "Exists" -> value != null;
              case "DoesNotExist" -> value == null;
              default -> throw new AssertionError("operator " + requirement.getOperator());
            };
        if (!matches) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null
        && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
