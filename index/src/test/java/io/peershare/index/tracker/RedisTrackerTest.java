package io.peershare.index.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peershare.index.TestServers;
import io.peershare.index.redis.RedisNode;
import io.peershare.index.redis.RedisStore;
import io.peershare.index.redis.RedisSwarmStore;
import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Trackers of several index nodes on one Redis (standalone and a cluster) act as one tracker:
 * connection ids from any node, one swarm, shared totals, leaving and expiry seen by all.
 */
class RedisTrackerTest {
  private static final InfoHash HASH = TrackerServerTest.HASH;
  private static final InfoHash OTHER = InfoHash.ofHex("ffeeddccbbaa99887766554433221100ffeeddcc");

  private static TrackerServer node(RedisStore store) throws Exception {
    return RedisNode.tracker(
            TrackerServer.Config.defaults().withBind(InetAddress.getLoopbackAddress()).withPort(0),
            store)
        .start();
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void twoTrackersOnOneStoreAreOneTracker(TestServers kind) throws Exception {
    RedisStore store = kind.emptyStore();
    try (TrackerServer a = node(store);
        TrackerServer b = node(store);
        TrackerClient seed = new TrackerClient(a.localAddress(), "127.0.0.2").connect();
        TrackerClient leechOnA = new TrackerClient(a.localAddress(), "127.0.0.3").connect();
        TrackerClient leech = new TrackerClient(b.localAddress(), "127.0.0.3")) {
      assertThat(seed.announce(HASH, 6881, 0).peers()).isEmpty();
      leech.connectionId = leechOnA.connectionId; // an id from node a, used on node b
      Announced r = leech.announce(HASH, 6882, 100);
      assertThat(r.peers()).containsExactly(new InetSocketAddress("127.0.0.2", 6881));
      assertThat(r.seeders()).isEqualTo(1);
      assertThat(r.leechers()).isEqualTo(1);
      await("totals on both nodes")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  a.totals().equals(new SwarmStore.Totals(1, 1, 1))
                      && b.totals().equals(new SwarmStore.Totals(1, 1, 1)));

      seed.call(TrackerCodec.encode(seed.announceRequest(HASH, 6881, 0, Event.STOPPED)));
      assertThat(leech.announce(HASH, 6882, 100).peers()).as("the seeder left through a").isEmpty();
      await("totals after the seeder left")
          .atMost(Duration.ofSeconds(10))
          .until(() -> b.totals().equals(new SwarmStore.Totals(1, 0, 1)));
    }
  }

  @Test
  void aSilentPeerIsSweptByAnotherNodeAndItsSwarmGoes() throws Exception {
    RedisStore store = TestServers.REDIS.emptyStore();
    RedisSwarmStore one = new RedisSwarmStore(store, 10_000, SwarmLimits.defaults());
    RedisSwarmStore two = new RedisSwarmStore(store, 10_000, SwarmLimits.defaults());
    PeerEndpoint p = PeerEndpoint.of(InetAddress.getByName("10.0.0.1"), 6881);
    PeerEndpoint q = PeerEndpoint.of(InetAddress.getByName("10.0.0.2"), 6881);
    one.announce(HASH, p, true, Event.STARTED, 50, 0);
    one.announce(HASH, q, false, Event.COMPLETED, 50, 5_000);
    assertThat(two.scrape(HASH, 5_000)).isEqualTo(new ScrapeCounts(1, 0, 1));
    assertThat(two.expire(9_999, 1_000)).isZero();
    assertThat(two.expire(12_000, 1_000)).as("p, silent for 12 s").isEqualTo(0);
    // the swarm's last announce (5 s) is what the sweep goes by: nothing is due before 15 s
    assertThat(two.expire(15_000, 1_000)).isEqualTo(2);
    assertThat(two.scrape(HASH, 15_000)).isEqualTo(new ScrapeCounts(0, 0, 0));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> one.totals().equals(new SwarmStore.Totals(0, 0, 0)));
    assertThat(one.announce(HASH, q, true, Event.COMPLETED, 50, 20_000).peers()).isEmpty();
    assertThat(one.scrape(HASH, 20_000)).isEqualTo(new ScrapeCounts(1, 1, 0));
  }

  @Test
  void theLimitsHoldAcrossTheStore() throws Exception {
    RedisStore store = TestServers.REDIS.emptyStore();
    SwarmLimits limits = new SwarmLimits(1, 100, 2);
    RedisSwarmStore one = new RedisSwarmStore(store, 60_000, limits);
    RedisSwarmStore two = new RedisSwarmStore(store, 60_000, limits);
    InetAddress ip = InetAddress.getByName("10.0.0.1");
    one.announce(HASH, PeerEndpoint.of(ip, 1), false, Event.STARTED, 50, 0);
    one.announce(HASH, PeerEndpoint.of(ip, 2), false, Event.STARTED, 50, 0);
    assertThatThrownBy(
            () -> two.announce(HASH, PeerEndpoint.of(ip, 3), false, Event.STARTED, 50, 0))
        .isInstanceOf(TrackerFullException.class)
        .hasMessageContaining("this address has 2 peers");
    assertThat(two.scrape(HASH, 0)).isEqualTo(new ScrapeCounts(0, 0, 2));
    PeerEndpoint other = PeerEndpoint.of(InetAddress.getByName("10.0.0.9"), 1);
    assertThatThrownBy(() -> two.announce(OTHER, other, false, Event.STARTED, 50, 0))
        .isInstanceOf(TrackerFullException.class)
        .hasMessageContaining("torrents");
    // a known swarm still takes new peers
    assertThat(two.announce(HASH, other, false, Event.STARTED, 50, 0).leechers()).isEqualTo(3);
  }
}
