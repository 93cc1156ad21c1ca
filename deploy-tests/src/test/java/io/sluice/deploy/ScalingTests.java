package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autoscaling, disruption budgets, rollouts and shutdown: no request lost to a scheduling event.
 */
class ScalingTests {

  /** The replica counts: the autoscalers' floors in the base. */
  private static final Map<String, Integer> BASE_MIN_REPLICAS =
      Map.of("gateway", 2, "user-service", 3);

  static Stream<Manifests> manifests() {
    return Manifests.available();
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyDeploymentIsScaledByACpuAutoscalerThatOwnsItsReplicaCount(Manifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      String name = deployment.getMetadata().getName();
      // A replicas field would reset the autoscaled count on every `kubectl apply`.
      assertThat(deployment.getSpec().getReplicas()).as(name).isNull();
      HorizontalPodAutoscaler hpa = autoscaler(manifests, name);
      assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
      assertThat(hpa.getSpec().getMinReplicas()).as(name).isGreaterThanOrEqualTo(2);
      assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
      assertThat(hpa.getSpec().getMetrics())
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.getResource().getName()).isEqualTo("cpu");
                assertThat(m.getResource().getTarget().getAverageUtilization()).isBetween(50, 90);
              });
      assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
          .as("%s scale-down stabilisation", name)
          .isGreaterThanOrEqualTo(120);
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void everyDeploymentHasADisruptionBudgetThatStillLetsNodesDrain(Manifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      String name = deployment.getMetadata().getName();
      Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      PodDisruptionBudget pdb =
          manifests.all(PodDisruptionBudget.class).stream()
              .filter(p -> Workloads.selects(p.getSpec().getSelector(), labels))
              .reduce(
                  (a, b) -> {
                    throw new AssertionError(name + " is selected by two PodDisruptionBudgets");
                  })
              .orElseThrow(() -> new AssertionError(name + " has no PodDisruptionBudget"));
      int min = autoscaler(manifests, name).getSpec().getMinReplicas();
      int allowed = allowedDisruptions(pdb, min);
      assertThat(allowed)
          .as("%s disruptions allowed at %d replicas", name, min)
          .isBetween(1, min - 1);
      assertThat(pdb.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
      // It must not also cover another workload's pods.
      manifests.podTemplates().entrySet().stream()
          .filter(e -> !e.getKey().equals(name))
          .forEach(
              e ->
                  assertThat(
                          Workloads.selects(
                              pdb.getSpec().getSelector(), e.getValue().getMetadata().getLabels()))
                      .as("%s's budget selects %s", name, e.getKey())
                      .isFalse());
    }
  }

  @Test
  void theBaseFloorsAreTwoGatewaysAndThreeUserServicesAndProdRunsMoreWithTighterBudgets() {
    Manifests base = Kubectl.usable() ? Manifests.rendered("base") : Manifests.rawBase();
    BASE_MIN_REPLICAS.forEach(
        (name, min) ->
            assertThat(autoscaler(base, name).getSpec().getMinReplicas()).isEqualTo(min));
    Kubectl.assumeUsable();
    Manifests prod = Manifests.rendered("overlays/prod");
    for (String name : BASE_MIN_REPLICAS.keySet()) {
      HorizontalPodAutoscaler prodHpa = autoscaler(prod, name);
      assertThat(prodHpa.getSpec().getMinReplicas()).isGreaterThan(BASE_MIN_REPLICAS.get(name));
      int max = prodHpa.getSpec().getMaxReplicas();
      assertThat(allowedDisruptions(prod.get(PodDisruptionBudget.class, name), max))
          .as("%s at %d replicas: prod budget tighter than base", name, max)
          .isLessThan(allowedDisruptions(base.get(PodDisruptionBudget.class, name), max));
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void rollingUpdatesAddAPodBeforeRemovingOne(Manifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      var rolling = deployment.getSpec().getStrategy().getRollingUpdate();
      assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
      assertThat(scaled(rolling.getMaxUnavailable(), 100)).isZero();
      assertThat(scaled(rolling.getMaxSurge(), 100)).isPositive();
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void podsStopTakingTrafficThenDrainWithinTheGracePeriod(Manifests manifests) {
    for (Contract.Service service : Contract.SERVICES) {
      PodSpec pod = manifests.deployment(service).getSpec().getTemplate().getSpec();
      Container container = Workloads.container(manifests.deployment(service));
      assertThat(container.getLifecycle().getPreStop().getExec().getCommand())
          .containsExactly("sleep", "" + Contract.PRE_STOP_SLEEP_SECONDS);
      long shutdownPhase = service.config().shutdownPhase().toSeconds();
      assertThat(pod.getTerminationGracePeriodSeconds())
          .isEqualTo(Contract.TERMINATION_GRACE_SECONDS)
          // preStop, then SIGTERM and the graceful phase, then JVM exit: with a margin.
          .isGreaterThanOrEqualTo(Contract.PRE_STOP_SLEEP_SECONDS + shutdownPhase + 5);
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void ourPodsSpreadAcrossNodes(Manifests manifests) {
    for (Deployment deployment : manifests.all(Deployment.class)) {
      Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
          .anySatisfy(
              c -> {
                assertThat(c.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                assertThat(c.getMaxSkew()).isEqualTo(1);
                assertThat(Workloads.selects(c.getLabelSelector(), labels)).isTrue();
              });
    }
  }

  @ParameterizedTest
  @MethodSource("manifests")
  void statefulDataStoresRunOnlyInTheDevOverlay(Manifests manifests) {
    var names = manifests.all(StatefulSet.class).stream().map(s -> s.getMetadata().getName());
    if (manifests.name().equals("overlays/dev")) {
      assertThat(names).containsExactlyInAnyOrder("postgres", "redis");
    } else {
      assertThat(names).isEmpty();
    }
  }

  private static HorizontalPodAutoscaler autoscaler(Manifests manifests, String deployment) {
    return manifests.all(HorizontalPodAutoscaler.class).stream()
        .filter(h -> h.getSpec().getScaleTargetRef().getKind().equals("Deployment"))
        .filter(h -> h.getSpec().getScaleTargetRef().getName().equals(deployment))
        .findFirst()
        .orElseThrow(() -> new AssertionError(deployment + " has no HorizontalPodAutoscaler"));
  }

  /** Pods the budget lets be evicted at once when all {@code replicas} are healthy. */
  static int allowedDisruptions(PodDisruptionBudget pdb, int replicas) {
    if (pdb.getSpec().getMaxUnavailable() != null) {
      return scaled(pdb.getSpec().getMaxUnavailable(), replicas);
    }
    // minAvailable percentages round up, as in the disruption controller.
    return replicas - scaled(pdb.getSpec().getMinAvailable(), replicas);
  }

  /** An absolute value, or a percentage of {@code total} rounded up (Kubernetes' rule here). */
  static int scaled(IntOrString value, int total) {
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    int percent = Integer.parseInt(value.getStrVal().replace("%", ""));
    return (int) Math.ceil(total * percent / 100.0);
  }
}
