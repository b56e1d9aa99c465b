package io.peershare.e2e.netlab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab itself: hosts that reach each other and nothing else, and nothing left behind. */
class NetLabTest {
  @Test
  void hostsHaveOnlyTheLabRouteAndCloseDeletesEverything() {
    List<String> names;
    try (NetLab lab = NetLab.open(2)) {
      names = lab.hosts().stream().map(Host::name).toList();
      for (Host h : lab.hosts()) {
        assertThat(h.run("ip", "-4", "route").strip())
            .as("the only route of %s", h)
            .isEqualTo("10.213.0.0/24 dev eth0 proto kernel scope link src " + h.address());
      }
      assertThat(lab.host(2).address()).isEqualTo("10.213.0.2");
      assertThat(namespaces()).containsAll(names);
    }
    assertThat(namespaces()).doesNotContainAnyElementsOf(names);
  }

  @Test
  void faultsAreInPlaceAndCounted() {
    try (NetLab lab = NetLab.open(1)) {
      Host h = lab.host(1).dropIngressUdp(30).dropIngressTcp(5).limitEgress("40mbit");
      String rules = h.run("nft", "list", "table", "netdev", "netlab");
      assertThat(rules)
          .contains("hook ingress device \"eth0\"")
          .contains("meta l4proto udp numgen random mod 100 < 30")
          .contains("meta l4proto tcp numgen random mod 100 < 5");
      assertThat(h.run("tc", "qdisc", "show", "dev", "eth0")).contains("tbf").contains("40Mbit");
      assertThat(h.ingressCounters("udp")).isEqualTo(new Host.Counters(0, 0));
      h.dropIngressUdp(10); // replaces the rule, keeps the other protocol's
      assertThat(h.run("nft", "list", "table", "netdev", "netlab"))
          .contains("udp numgen random mod 100 < 10")
          .doesNotContain("< 30")
          .contains("tcp numgen random mod 100 < 5");
    }
  }

  @Test
  void aLabLeftByADeadJvmIsDeletedByTheNextOne() throws Exception {
    NetLab.assumeAvailable();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    String leftover = NetLab.PREFIX + gone.pid() + "-1-1";
    Commands.run("ip", "netns", "add", leftover).orThrow();
    try (NetLab lab = NetLab.open(1)) {
      assertThat(namespaces()).doesNotContain(leftover).contains(lab.host(1).name());
    } finally {
      Commands.run("ip", "netns", "del", leftover);
    }
  }

  private static List<String> namespaces() {
    return Commands.run("ip", "netns", "list").output().lines().map(l -> l.split(" ")[0]).toList();
  }
}
