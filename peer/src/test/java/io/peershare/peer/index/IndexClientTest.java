package io.peershare.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.index.IndexServer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IndexClientTest {
  private static final Digest D = Digest.sha256("hello".getBytes(StandardCharsets.UTF_8));
  private static final InetAddress LO = InetAddress.getLoopbackAddress();
  private static final RetrySchedule FAST =
      new RetrySchedule(Collections.nCopies(5, Duration.ofMillis(40)));

  /**
   * For clients behind a {@link LossyProxy}: its losses end a wait at once, so these waits only
   * bound a broken test and a slow reply is never sent again.
   */
  private static final RetrySchedule PATIENT =
      new RetrySchedule(Collections.nCopies(5, Duration.ofSeconds(10)));

  private final TestClock serverClock = new TestClock();
  private IndexServer server;
  private IndexClient client;

  @BeforeEach
  void start() throws Exception {
    server =
        new IndexServer(
                IndexServer.Config.defaults().withPort(0).withBind(LO).withClock(serverClock))
            .start();
    client = new IndexClient(server.localAddress());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  /** A client of the server through {@code proxy}, resending exactly when the proxy loses. */
  private static IndexClient behind(LossyProxy proxy, Clock clock) throws Exception {
    return new IndexClient(List.of(proxy.address()), PATIENT, clock, proxy.replyWait());
  }

  private static IndexException indexError(ThrowingCall call) {
    try {
      call.run();
    } catch (IndexException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no IndexException");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void everyCall() throws Exception {
    client.quit(PeerName.of("mai"));
    assertThat(client.register(PeerName.of("mai"), ContentName.of("song.ogg"), 4242, 5, D))
        .isEqualTo(90);
    IndexMessage.Providers p = client.locate(PeerName.of("bo"), ContentName.of("song.ogg"), 16);
    assertThat(p.size()).isEqualTo(5);
    assertThat(p.digest()).isEqualTo(D);
    assertThat(p.providers()).containsExactly(new Provider(PeerName.of("mai"), LO, 4242));
    assertThat(client.list("", "").entries())
        .containsExactly(new ListingEntry(ContentName.of("song.ogg"), 1, 5));
    assertThat(client.list("song.ogg", "")).isEqualTo(new ListingPage(List.of(), false));
    assertThat(client.listAll("OGG")).hasSize(1);
    assertThat(client.keepalive(PeerName.of("mai"))).isEqualTo(90);
    client.deregister(PeerName.of("mai"), ContentName.of("song.ogg"));
    assertThat(client.listAll("")).isEmpty();
    client.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D);
    client.quit(PeerName.of("mai"));
    assertThat(indexError(() -> client.keepalive(PeerName.of("mai"))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(client.node()).isEqualTo(server.localAddress());
  }

  @Test
  void errorsAreTypedWithPlainSentences() throws Exception {
    client.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D);
    IndexException taken = indexError(() -> registerFrom("127.0.0.2", "mai", "b"));
    assertThat(taken.code()).isEqualTo(ErrorCode.NAME_TAKEN);
    IndexException already =
        indexError(() -> client.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D));
    assertThat(already.code()).isEqualTo(ErrorCode.ALREADY_REGISTERED);
    assertThat(already).hasMessage("the peer 'mai' already provides 'a'");
    assertThat(
            indexError(() -> client.register(PeerName.of("bo"), ContentName.of("a"), 1, 2, D))
                .code())
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(indexError(() -> client.deregister(PeerName.of("bo"), ContentName.of("a"))).code())
        .isEqualTo(ErrorCode.NOT_OWNER);
    IndexException none =
        indexError(() -> client.locate(PeerName.of("bo"), ContentName.of("zzz"), 1));
    assertThat(none.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(none).hasMessage("nobody provides 'zzz'");
  }

  @Test
  void nameTakenSaysWhichName() throws Exception {
    registerFrom("127.0.0.2", "mai", "b");
    IndexException e =
        indexError(() -> client.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D));
    assertThat(e.code()).isEqualTo(ErrorCode.NAME_TAKEN);
    assertThat(e).hasMessage("the peer name 'mai' is in use from another address");
  }

  /** Registers from another loopback address with a raw socket: H, then R. */
  private void registerFrom(String ip, String peer, String content) throws Exception {
    try (UdpClient s = new UdpClient(server.localAddress(), ip, Strangers.FAIL).hello()) {
      IndexMessage reply =
          s.call(
              new IndexMessage.Register(
                  s.nextId(), s.cookie(), PeerName.of(peer), ContentName.of(content), 9, 1, D));
      if (reply instanceof IndexMessage.ErrorReply e) {
        throw new IndexException(e.code(), e.message());
      }
    }
  }

  @Test
  void lostRepliesAreRetransmittedAndActOnce() throws Exception {
    try (LossyProxy proxy = new LossyProxy(server.localAddress());
        IndexClient lossy = behind(proxy, Clock.systemUTC())) {
      proxy.dropReplies('Y', 1);
      proxy.dropReplies('A', 3);
      assertThat(lossy.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D)).isEqualTo(90);
      assertThat(proxy.seen('H')).isEqualTo(2);
      assertThat(proxy.seen('R')).isEqualTo(4); // one send and three resends of the same bytes
      assertThat(lossy.locate(PeerName.of("x"), ContentName.of("a"), 16).providers()).hasSize(1);
      assertThat(
              indexError(() -> lossy.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D))
                  .code())
          .isEqualTo(ErrorCode.ALREADY_REGISTERED);
    }
  }

  @Test
  void aRetriedLocateRotatesOnce() throws Exception {
    client.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D);
    registerFrom("127.0.0.2", "bo", "a");
    try (LossyProxy proxy = new LossyProxy(server.localAddress());
        IndexClient lossy = behind(proxy, Clock.systemUTC())) {
      proxy.dropReplies('P', 2);
      List<String> order = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        order.add(
            lossy
                .locate(PeerName.of("x"), ContentName.of("a"), 1)
                .providers()
                .get(0)
                .peer()
                .toString());
      }
      assertThat(order).containsExactly("mai", "bo", "mai", "bo");
    }
  }

  @Test
  void duplicateAndLateRepliesAreIgnored() throws Exception {
    try (LossyProxy proxy = new LossyProxy(server.localAddress());
        IndexClient dup = behind(proxy, Clock.systemUTC())) {
      proxy.duplicateReplies(true);
      assertThat(dup.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D)).isEqualTo(90);
      assertThat(dup.keepalive(PeerName.of("mai"))).isEqualTo(90);
      dup.deregister(PeerName.of("mai"), ContentName.of("a"));
      assertThat(dup.listAll("")).isEmpty();
    }
  }

  @Test
  void aPortWhereNothingListensFailsAtOnceWithTheKernelsAnswer() throws Exception {
    InetSocketAddress nowhere = closedPort();
    // the spec's schedule: were the ICMP answer ignored, this would wait out 7.75 s and then fail
    // without a cause (bench/unreachable.sh times it from the command line)
    try (IndexClient c = new IndexClient(nowhere)) {
      assertThatThrownBy(() -> c.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D))
          .isInstanceOf(IndexUnreachableException.class)
          .hasCauseInstanceOf(PortUnreachableException.class)
          .hasMessage(
              "nothing listens at 127.0.0.1:"
                  + nowhere.getPort()
                  + "; is the index server running, and on that port?");
    }
  }

  @Test
  void aSilentServerIsGivenUpOnAfterTheWholeSchedule() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LO, 0));
        IndexClient c =
            new IndexClient(
                (InetSocketAddress) silent.getLocalSocketAddress(), FAST, Clock.systemUTC())) {
      assertThatThrownBy(() -> c.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D))
          .isInstanceOf(IndexUnreachableException.class)
          .hasNoCause()
          .hasMessage(
              "no reply from 127.0.0.1:"
                  + silent.getLocalPort()
                  + " after 5 tries (0.2 s); is the index server running and reachable?");
      silent.setSoTimeout(5_000); // a bound on a broken test, not a timing assertion
      byte[] first = receive(silent);
      for (int i = 1; i < 5; i++) {
        assertThat(receive(silent)).as("send %d: the same H again", i + 1).isEqualTo(first);
      }
    }
  }

  /** A UDP port on 127.0.0.1 with nothing listening on it (just closed). */
  static InetSocketAddress closedPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
      return (InetSocketAddress) s.getLocalSocketAddress();
    }
  }

  private static byte[] receive(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
    s.receive(p);
    return java.util.Arrays.copyOf(p.getData(), p.getLength());
  }

  @Test
  void theStandardScheduleIsTheSpecs() {
    RetrySchedule s = RetrySchedule.standard();
    assertThat(s.tries()).isEqualTo(5);
    assertThat(s.total()).isEqualTo(Duration.ofMillis(7750));
  }

  @Test
  void aStaleCookieIsReplacedAndTheRequestSentAgain() throws Exception {
    try (LossyProxy proxy = new LossyProxy(server.localAddress());
        IndexClient c = behind(proxy, Clock.systemUTC())) {
      c.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D);
      serverClock.advance(Duration.ofMinutes(4)); // the cookie is stale (and the lease gone)
      assertThat(c.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D)).isEqualTo(90);
      assertThat(proxy.seen('H')).isEqualTo(2);
      assertThat(proxy.seen('R')).isEqualTo(3); // the first, its BAD_COOKIE retry with a new id
    }
  }

  @Test
  void theCookieIsRefreshedAt60Seconds() throws Exception {
    TestClock clientClock = new TestClock();
    try (LossyProxy proxy = new LossyProxy(server.localAddress());
        IndexClient c = behind(proxy, clientClock)) {
      c.listAll("");
      c.listAll("");
      assertThat(proxy.seen('H')).isEqualTo(1);
      clientClock.advance(Duration.ofSeconds(60));
      c.listAll("");
      assertThat(proxy.seen('H')).isEqualTo(2);
    }
  }

  @Test
  void listAllPagesThrough() throws Exception {
    for (int i = 0; i < 120; i++) {
      client.register(
          PeerName.of("p"), ContentName.of(String.format("%03d-%s", i, "z".repeat(30))), 1, 1, D);
    }
    assertThat(client.list("", "").more()).isTrue();
    List<ListingEntry> all = client.listAll("Z");
    assertThat(all).hasSize(120);
    assertThat(all.get(119).content().toString()).startsWith("119-");
  }

  @Test
  void severalThreadsMayCallAtOnce() throws Exception {
    client.register(PeerName.of("mai"), ContentName.of("a"), 1, 1, D);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        results.add(
            pool.submit(
                () -> {
                  if (n % 2 == 0) {
                    return client
                        .locate(PeerName.of("x"), ContentName.of("a"), 1)
                        .providers()
                        .size();
                  }
                  return (int) client.keepalive(PeerName.of("mai")) / 90;
                }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get()).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
