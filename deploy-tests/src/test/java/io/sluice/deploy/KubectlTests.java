package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KubectlTests {

  static final Path KUBECTL = Path.of("/usr/bin/kubectl");

  @Test
  void debiansKubectl120IsRefusedWithAReasonThatSaysWhatToInstall() {
    String debian =
        "Client Version: version.Info{Major:\"1\", Minor:\"20\", GitVersion:\"v1.20.2\"}";
    assertThat(Kubectl.unusableReason(KUBECTL, debian))
        .contains("/usr/bin/kubectl", "kubernetes-client", "kustomize v2", "kubectl >= 1.27");
  }

  @Test
  void aKustomizeOlderThanV5IsRefusedAndV5IsUsed() {
    assertThat(
            Kubectl.unusableReason(KUBECTL, "Client Version: v1.26.3\nKustomize Version: v4.5.7\n"))
        .contains("kustomize v4", "needs v5+");
    assertThat(
            Kubectl.unusableReason(KUBECTL, "Client Version: v1.32.4\nKustomize Version: v5.5.0\n"))
        .isNull();
  }
}
