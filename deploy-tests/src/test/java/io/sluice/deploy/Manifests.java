package io.sluice.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One deployable set of Kubernetes objects in typed fabric8 models: a kustomization rendered by
 * kubectl, or, when kubectl is unusable, the base's raw resource files (the base has no patches, so
 * its raw files are its render minus namespace, labels and image tags).
 *
 * @param name {@code base}, {@code overlays/dev}, {@code overlays/prod} or {@code base (raw files)}
 * @param items every object, in file order
 */
record Manifests(String name, List<HasMetadata> items) {

  static final List<String> KUSTOMIZATIONS = List.of("base", "overlays/dev", "overlays/prod");

  /** The namespace of the whole stack. */
  static final String NAMESPACE = "sluice";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();

  /** Every set these tests can check here: each rendered kustomization, or the raw base. */
  static Stream<Manifests> available() {
    if (!Kubectl.usable()) {
      return Stream.of(rawBase());
    }
    return KUSTOMIZATIONS.stream().map(Manifests::rendered);
  }

  static Manifests rendered(String kustomization) {
    return CACHE.computeIfAbsent(
        kustomization,
        k -> new Manifests(k, parse(Kubectl.kustomize(Repository.file("k8s/" + k)), k)));
  }

  static Manifests rawBase() {
    return CACHE.computeIfAbsent(
        "base (raw files)",
        k -> {
          List<HasMetadata> items = new ArrayList<>();
          for (String resource : Kustomization.of(Repository.file("k8s/base")).resources()) {
            Path file = Repository.file("k8s/base/" + resource);
            items.addAll(parse(Repository.read(file), file.toString()));
          }
          return new Manifests(k, items);
        });
  }

  /** Every document of a multi-document YAML string as a typed Kubernetes object. */
  static List<HasMetadata> parse(String yaml, String source) {
    List<HasMetadata> items = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document == null) {
        continue;
      }
      KubernetesResource resource =
          SERIALIZATION.unmarshal(SERIALIZATION.asJson(document), KubernetesResource.class);
      if (!(resource instanceof HasMetadata object)) {
        throw new IllegalArgumentException(source + ": not a Kubernetes object: " + document);
      }
      items.add(object);
    }
    return items;
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return items.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
    return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> kind, String name) {
    return find(kind, name)
        .orElseThrow(
            () -> new AssertionError(this.name + ": no " + kind.getSimpleName() + " " + name));
  }

  /** The Deployment of one of our services. */
  Deployment deployment(Contract.Service service) {
    return get(Deployment.class, service.module());
  }

  /** Pod templates of every workload, keyed by workload name. */
  Map<String, PodTemplateSpec> podTemplates() {
    Map<String, PodTemplateSpec> templates = new java.util.LinkedHashMap<>();
    all(Deployment.class)
        .forEach(d -> templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
    all(StatefulSet.class)
        .forEach(s -> templates.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
    return templates;
  }

  /** The namespace an object lands in: its own, or the stack's for raw files without one. */
  static String namespaceOf(HasMetadata object) {
    String namespace = object.getMetadata().getNamespace();
    return namespace == null ? NAMESPACE : namespace;
  }

  @Override
  public String toString() {
    return name;
  }
}
