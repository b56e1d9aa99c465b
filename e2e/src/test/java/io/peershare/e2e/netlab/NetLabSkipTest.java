package io.peershare.e2e.netlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** Where the lab cannot be built, its tests skip with a reason a person can act on. */
class NetLabSkipTest {
  /** A machine that has everything except what a test takes away. */
  private record FakeMachine(String os, long uid, Set<String> tools, String netnsRefusal)
      implements Prerequisites.Machine {
    static FakeMachine complete() {
      return new FakeMachine("Linux", 0, Set.of("ip", "tc", "nft"), null);
    }

    @Override
    public String osName() {
      return os;
    }

    @Override
    public Optional<String> which(String tool) {
      return tools.contains(tool) ? Optional.of("/usr/sbin/" + tool) : Optional.empty();
    }

    @Override
    public Optional<String> tryNamespace(String ip, String name) {
      return Optional.ofNullable(netnsRefusal);
    }
  }

  @Test
  void aCompleteMachineHasNoProblem() {
    assertThat(Prerequisites.problem(FakeMachine.complete())).isEmpty();
  }

  @Test
  void notRootSaysSo() {
    FakeMachine m = new FakeMachine("Linux", 1000, Set.of("ip", "tc", "nft"), null);
    assertThat(Prerequisites.problem(m))
        .hasValue(
            "netlab: lab tests skipped: creating network namespaces needs root, this process"
                + " runs as uid 1000");
  }

  @Test
  void missingNftSaysHowToInstallIt() {
    FakeMachine m = new FakeMachine("Linux", 0, Set.of("ip", "tc"), null);
    assertThat(Prerequisites.problem(m))
        .hasValue(
            "netlab: lab tests skipped: `nft` (nftables) is not installed;"
                + " run scripts/netlab-prereqs.sh as root");
  }

  @Test
  void missingIpOrTcSaysIproute2() {
    assertThat(Prerequisites.problem(new FakeMachine("Linux", 0, Set.of("tc", "nft"), null)))
        .get()
        .asString()
        .contains("`ip` (iproute2) is not installed");
    assertThat(Prerequisites.problem(new FakeMachine("Linux", 0, Set.of("ip", "nft"), null)))
        .get()
        .asString()
        .contains("`tc` (iproute2) is not installed");
  }

  @Test
  void aRefusedNamespaceQuotesIp() {
    FakeMachine m =
        new FakeMachine(
            "Linux", 0, Set.of("ip", "tc", "nft"), "mount --make-shared: Permission denied\n");
    assertThat(Prerequisites.problem(m))
        .hasValue(
            "netlab: lab tests skipped: `ip netns add` failed here"
                + " (mount --make-shared: Permission denied)");
  }

  @Test
  void notLinuxSaysSo() {
    FakeMachine m = new FakeMachine("Mac OS X", 501, Set.of(), null);
    assertThat(Prerequisites.problem(m)).get().asString().contains("need Linux, this is Mac OS X");
  }

  @Test
  void aProblemAbortsTheTestWithItsReason() {
    String reason = "netlab: lab tests skipped: (only a test of the skip path)";
    assertThatThrownBy(() -> NetLab.assumeNoProblem(Optional.of(reason)))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void noProblemLetsTheTestRun() {
    NetLab.assumeNoProblem(Optional.empty());
  }
}
