package io.peershare.index.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.udp.UdpTransport;
import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import io.peershare.testing.TestClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several client threads, on many source addresses and ports (so the kernel spreads them over every
 * server socket), against a tracker with several threads, while another thread reads {@link
 * TrackerServer#totals()} as metrics would: the counts come out exact, every peer finds every
 * other, a connection id from one port is good on another port of the same address (whichever
 * socket gets it), and no reading of the totals is ever torn. Exact counts, not timings.
 */
class ConcurrentTrackerTest {
  private static final int CLIENT_THREADS = 4;
  private static final int ADDRESSES_PER_THREAD = 6;
  private static final int TORRENTS = 5;

  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private final List<TrackerClient> clients = new ArrayList<>();
  private TrackerServer server;
  private ExecutorService pool;

  @AfterEach
  void stop() {
    clients.forEach(TrackerClient::close);
    if (pool != null) {
      pool.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  static InfoHash torrent(int n) {
    return InfoHash.of(ByteBuffer.allocate(20).putInt(0x70000 + n).array());
  }

  private TrackerClient client(String ip) throws Exception {
    TrackerClient c = new TrackerClient(server.localAddress(), ip);
    clients.add(c);
    return c;
  }

  @ParameterizedTest(name = "{0} server threads, native {1}")
  @CsvSource({"2, true", "4, true", "1, false"})
  void countsAndPeersComeOutExactUnderConcurrentAnnounces(int threads, boolean nat)
      throws Exception {
    server =
        new TrackerServer(
                TrackerServer.Config.defaults()
                    .withBind(InetAddress.getLoopbackAddress())
                    .withRatePerSecond(0)
                    .withClock(clock)
                    .withThreads(threads)
                    .withNativeTransport(nat))
            .start();
    if (nat && UdpTransport.nativeAvailable()) {
      assertThat(server.threads()).isEqualTo(threads);
    }
    pool = Executors.newFixedThreadPool(CLIENT_THREADS);
    // each address connects from one socket and announces every torrent from others: a connection
    // id is bound to the address, so it must be good at whichever server socket a port reaches
    List<List<TrackerClient[]>> perThread = new ArrayList<>();
    for (int t = 0; t < CLIENT_THREADS; t++) {
      List<TrackerClient[]> mine = new ArrayList<>();
      for (int a = 0; a < ADDRESSES_PER_THREAD; a++) {
        String ip = "127.0.6." + (t * ADDRESSES_PER_THREAD + a + 1);
        TrackerClient connector = client(ip).connect();
        TrackerClient[] ports = new TrackerClient[TORRENTS];
        for (int k = 0; k < TORRENTS; k++) {
          ports[k] = client(ip);
          ports[k].connectionId = connector.connectionId;
        }
        mine.add(ports);
      }
      perThread.add(mine);
    }
    AtomicBoolean announcing = new AtomicBoolean(true);
    AtomicReference<SwarmStore.Totals> torn = new AtomicReference<>();
    int peers = CLIENT_THREADS * ADDRESSES_PER_THREAD * TORRENTS;
    Thread metrics =
        Thread.ofPlatform()
            .name("tracker-metrics-reader")
            .start(
                () -> {
                  // announces only add peers here: every reading lies between none and all, and
                  // never goes back
                  SwarmStore.Totals last = new SwarmStore.Totals(0, 0, 0);
                  while (announcing.get()) {
                    SwarmStore.Totals now = server.totals();
                    int held = now.seeders() + now.leechers();
                    if (now.swarms() > TORRENTS
                        || held > peers
                        || now.swarms() < last.swarms()
                        || now.seeders() < last.seeders()
                        || now.leechers() < last.leechers()) {
                      torn.compareAndSet(null, now);
                    }
                    last = now;
                    LockSupport.parkNanos(50_000); // a reader, not a spinner: leave the cores
                  }
                });
    CyclicBarrier go = new CyclicBarrier(CLIENT_THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < CLIENT_THREADS; t++) {
      List<TrackerClient[]> mine = perThread.get(t);
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int k = 0; k < TORRENTS; k++) {
                  for (TrackerClient[] ports : mine) {
                    TrackerClient c = ports[k];
                    boolean seeder = (c.socket.getLocalAddress().getAddress()[3] & 1) == 1;
                    var r =
                        c.call(
                            TrackerCodec.encode(
                                c.announceRequest(
                                    torrent(k), 6881, seeder ? 0 : 100, Event.STARTED)));
                    assertThat(r).isInstanceOf(Announced.class);
                  }
                }
                return null;
              }));
    }
    try {
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      announcing.set(false);
      metrics.join();
    }
    assertThat(torn.get()).as("a reading of the totals out of range or going back").isNull();

    int addresses = CLIENT_THREADS * ADDRESSES_PER_THREAD;
    int seedersPerTorrent = (addresses + 1) / 2; // odd last bytes: 1, 3, ... 23
    int leechersPerTorrent = addresses - seedersPerTorrent;
    assertThat(server.totals())
        .isEqualTo(
            new SwarmStore.Totals(
                TORRENTS, TORRENTS * seedersPerTorrent, TORRENTS * leechersPerTorrent));
    TrackerClient asker = client("127.0.7.1").connect();
    List<InfoHash> all = new ArrayList<>();
    for (int k = 0; k < TORRENTS; k++) {
      all.add(torrent(k));
    }
    Scraped s = (Scraped) asker.call(TrackerCodec.encode(new Scrape(asker.connectionId, 77, all)));
    assertThat(s.counts())
        .hasSize(TORRENTS)
        .containsOnly(new ScrapeCounts(seedersPerTorrent, 0, leechersPerTorrent));
    // a new leecher of each torrent is given every peer of it, each once (24 < the default 50)
    for (int k = 0; k < TORRENTS; k++) {
      Announced a =
          (Announced)
              asker.call(
                  TrackerCodec.encode(asker.announceRequest(torrent(k), 7000, 1, Event.STARTED)));
      Set<InetSocketAddress> expected = new HashSet<>();
      for (int i = 1; i <= addresses; i++) {
        expected.add(new InetSocketAddress("127.0.6." + i, 6881));
      }
      assertThat(a.peers()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
