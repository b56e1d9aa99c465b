package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.udp.UdpTransport;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several client threads, each with sockets on several source addresses (so the kernel spreads them
 * over every server socket), against a server with several threads: round robin, the name rule and
 * the content's size and digest hold exactly as with one thread. Exact counts, not timings: the
 * registry serializes batches, so whatever the interleaving, {@code N} locates of {@code P}
 * providers hand out each provider exactly {@code N / P} times.
 */
class ConcurrentIndexTest {
  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));
  private static final ContentName SONG = ContentName.of("song");
  private static final ContentName SHARED = ContentName.of("shared");
  private static final PeerName ASKER = PeerName.of("asker");
  private static final PeerName RACER = PeerName.of("racer");
  private static final int PROVIDERS = 7;
  private static final int CLIENT_THREADS = 4;
  private static final int SOCKETS_PER_THREAD = 4;
  private static final int LOCATES_PER_SOCKET = 7 * 40;

  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private final List<UdpClient> clients = new ArrayList<>();
  private IndexServer server;
  private ExecutorService pool;

  private void start(int threads, boolean nativeTransport) throws Exception {
    // each socket on its own thread from the start, so the threads really run at once (by default
    // one thread serves all sockets until it is busy and a core is free: a test's load never is)
    System.setProperty(UdpTransport.BALANCE_PROPERTY, "spread");
    server =
        new IndexServer(
                IndexServer.Config.loopback()
                    .withRatePerSecond(0)
                    .withClock(clock)
                    .withThreads(threads)
                    .withNativeTransport(nativeTransport))
            .start();
    pool = Executors.newFixedThreadPool(CLIENT_THREADS);
  }

  @AfterEach
  void stop() {
    System.clearProperty(UdpTransport.BALANCE_PROPERTY);
    clients.forEach(UdpClient::close);
    if (pool != null) {
      pool.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  private UdpClient client(String ip) throws Exception {
    UdpClient c = new UdpClient(server.localAddress(), ip, Strangers.FAIL).hello();
    clients.add(c);
    return c;
  }

  @ParameterizedTest(name = "{0} server threads, native {1}")
  @CsvSource({"2, true", "4, true", "1, false"})
  void roundRobinHandsOutEveryProviderEquallyUnderConcurrentLocates(int threads, boolean nat)
      throws Exception {
    start(threads, nat);
    if (nat) {
      assertThat(server.threads()).isEqualTo(threads);
    }
    List<PeerName> order = new ArrayList<>();
    for (int p = 0; p < PROVIDERS; p++) {
      UdpClient c = client("127.0.3." + (p + 1));
      PeerName name = PeerName.of("prov" + p);
      assertThat(c.call(new Register(c.nextId(), c.cookie(), name, SONG, 4000 + p, 1, D)))
          .isInstanceOf(Ack.class);
      order.add(name);
    }
    List<UdpClient[]> perThread = new ArrayList<>();
    for (int t = 0; t < CLIENT_THREADS; t++) {
      UdpClient[] mine = new UdpClient[SOCKETS_PER_THREAD];
      for (int s = 0; s < SOCKETS_PER_THREAD; s++) {
        mine[s] = client("127.0.4." + (t * SOCKETS_PER_THREAD + s + 1));
      }
      perThread.add(mine);
    }
    Map<PeerName, AtomicInteger> handedOut = new ConcurrentHashMap<>();
    CyclicBarrier go = new CyclicBarrier(CLIENT_THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (UdpClient[] mine : perThread) {
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < LOCATES_PER_SOCKET; i++) {
                  for (UdpClient c : mine) {
                    int max = i % 2 == 0 ? 1 : 3; // runs of three must be in queue order too
                    Providers p =
                        (Providers) c.call(new Locate(c.nextId(), c.cookie(), ASKER, SONG, max));
                    List<PeerName> got = p.providers().stream().map(Provider::peer).toList();
                    assertThat(got).hasSize(max);
                    int first = order.indexOf(got.get(0));
                    for (int k = 0; k < max; k++) {
                      assertThat(got.get(k)).isEqualTo(order.get((first + k) % PROVIDERS));
                      handedOut
                          .computeIfAbsent(got.get(k), x -> new AtomicInteger())
                          .incrementAndGet();
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    int total = CLIENT_THREADS * SOCKETS_PER_THREAD * LOCATES_PER_SOCKET / 2 * (1 + 3);
    assertThat(total % PROVIDERS).isZero();
    Map<PeerName, Integer> counts = new HashMap<>();
    handedOut.forEach((k, v) -> counts.put(k, v.get()));
    Map<PeerName, Integer> expected = new HashMap<>();
    order.forEach(p -> expected.put(p, total / PROVIDERS));
    assertThat(counts).isEqualTo(expected);
    // and the queue is where a single thread would have left it: back at the first provider
    UdpClient c = clients.get(0);
    Providers all = (Providers) c.call(new Locate(c.nextId(), c.cookie(), ASKER, SONG, 16));
    assertThat(all.providers()).extracting(Provider::peer).containsExactlyElementsOf(order);
  }

  @ParameterizedTest(name = "{0} server threads, native {1}")
  @CsvSource({"2, true", "4, true", "1, false"})
  void oneAddressWinsARacedPeerNameAndOneSizeWinsARacedContent(int threads, boolean nat)
      throws Exception {
    start(threads, nat);
    int racers = 12;
    int contents = 20;
    List<UdpClient> racing = new ArrayList<>();
    for (int r = 0; r < racers; r++) {
      racing.add(client("127.0.5." + (r + 1)));
    }
    Map<String, List<IndexMessage>> repliesByIp = new ConcurrentHashMap<>();
    CyclicBarrier go = new CyclicBarrier(racers);
    ExecutorService racersPool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < racers; r++) {
        UdpClient c = racing.get(r);
        long size = r; // every racer claims another size for the shared content
        done.add(
            racersPool.submit(
                () -> {
                  go.await();
                  List<IndexMessage> mine = new ArrayList<>();
                  for (int i = 0; i < contents; i++) {
                    mine.add(
                        c.call(
                            new Register(
                                c.nextId(),
                                c.cookie(),
                                RACER,
                                ContentName.of("c" + i),
                                4000,
                                1,
                                D)));
                    PeerName own = PeerName.of("own-" + size);
                    mine.add(
                        c.call(new Register(c.nextId(), c.cookie(), own, SHARED, 4000, size, D)));
                  }
                  repliesByIp.put(c.ip().getHostAddress(), mine);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      racersPool.shutdownNow();
    }
    Set<String> winners = new HashSet<>();
    Set<Long> sharedSizes = new HashSet<>();
    for (Map.Entry<String, List<IndexMessage>> e : repliesByIp.entrySet()) {
      List<IndexMessage> replies = e.getValue();
      for (int i = 0; i < replies.size(); i += 2) {
        IndexMessage nameReply = replies.get(i);
        if (nameReply instanceof Ack) {
          winners.add(e.getKey());
        } else {
          assertThat(((ErrorReply) nameReply).code()).isEqualTo(ErrorCode.NAME_TAKEN);
        }
        IndexMessage sizeReply = replies.get(i + 1);
        if (sizeReply instanceof Ack) {
          sharedSizes.add(
              Long.parseLong(e.getKey().substring(e.getKey().lastIndexOf('.') + 1)) - 1);
        } else {
          assertThat(((ErrorReply) sizeReply).code())
              .isIn(ErrorCode.CONFLICT, ErrorCode.ALREADY_REGISTERED);
        }
      }
    }
    assertThat(winners).as("addresses that got racer's name").hasSize(1);
    String winner = winners.iterator().next();
    assertThat(repliesByIp.get(winner))
        .as("the winner got every one of its registrations")
        .filteredOn(m -> m instanceof Ack)
        .hasSizeGreaterThanOrEqualTo(contents);
    assertThat(sharedSizes).as("sizes accepted for the shared content").hasSize(1);
    UdpClient c = clients.get(0);
    for (int i = 0; i < contents; i++) {
      Providers p =
          (Providers)
              c.call(new Locate(c.nextId(), c.cookie(), ASKER, ContentName.of("c" + i), 16));
      assertThat(p.providers())
          .containsExactly(new Provider(RACER, InetAddress.getByName(winner), 4000));
    }
    Providers shared = (Providers) c.call(new Locate(c.nextId(), c.cookie(), ASKER, SHARED, 16));
    assertThat(shared.size()).isEqualTo(sharedSizes.iterator().next());
    assertThat(shared.providers()).hasSize(1);
  }
}
