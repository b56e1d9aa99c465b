package io.peershare.index.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The tracker over real loopback sockets, IPv4 and IPv6, on port 0. */
class TrackerServerTest {
  static final InfoHash HASH = InfoHash.ofHex("00112233445566778899aabbccddeeff00112233");

  @Test
  void twoPeersFindEachOtherOverIpv4() throws Exception {
    try (TrackerServer t =
            new TrackerServer(
                    TrackerServer.Config.defaults().withBind(InetAddress.getLoopbackAddress()))
                .start();
        TrackerClient a = new TrackerClient(t.localAddress(), "127.0.0.2").connect();
        TrackerClient b = new TrackerClient(t.localAddress(), "127.0.0.3").connect()) {
      assertThat(t.localAddress().getPort()).isPositive();
      assertThat(a.announce(HASH, 6881, 0).peers()).isEmpty();
      Announced r = b.announce(HASH, 6882, 100);
      assertThat(r.interval()).isEqualTo(1800);
      assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.2", 6881));
      assertThat(t.totals()).isEqualTo(new SwarmStore.Totals(1, 1, 1));
    }
  }

  @Test
  void ipv6PeersGetIpv6PeersOnADualStackSocket() throws Exception {
    try (TrackerServer t =
            new TrackerServer(
                    TrackerServer.Config.defaults()
                        .withBind(InetAddress.getByName("::"))
                        .withInterval(60))
                .start();
        TrackerClient a = new TrackerClient(at(t, "::1"), "::1").connect();
        TrackerClient b = new TrackerClient(at(t, "::1"), "::1").connect();
        TrackerClient c = new TrackerClient(at(t, "127.0.0.1"), "127.0.0.2").connect()) {
      a.announce(HASH, 7001, 0);
      c.announce(HASH, 7003, 0);
      Announced r = b.announce(HASH, 7002, 10);
      assertThat(r.interval()).isEqualTo(60);
      assertThat(r.peers()).containsExactly(new InetSocketAddress("::1", 7001));
      assertThat(c.announce(HASH, 7003, 0).peers())
          .as("an IPv4 seeder, through the same dual-stack socket, gets no IPv6 peer")
          .isEmpty();
    }
  }

  private static InetSocketAddress at(TrackerServer t, String host) {
    return new InetSocketAddress(host, t.localAddress().getPort());
  }

  @Test
  void aTakenPortFailsToStartAndCloseIsIdempotent() throws Exception {
    TrackerServer.Config c =
        TrackerServer.Config.defaults().withBind(InetAddress.getLoopbackAddress());
    TrackerServer t = new TrackerServer(c).start();
    TrackerServer second = new TrackerServer(c.withPort(t.localAddress().getPort()));
    assertThatThrownBy(second::start).isInstanceOf(BindException.class);
    second.close();
    t.close();
    t.close();
  }

  @Test
  void intervalsOutsideTheRangeAreRefused() {
    assertThatThrownBy(() -> TrackerServer.Config.defaults().withInterval(9))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TrackerServer.Config.defaults().withInterval(10).intervalSeconds()).isEqualTo(10);
  }
}
