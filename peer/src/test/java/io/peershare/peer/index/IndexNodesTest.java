package io.peershare.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.index.IndexServer;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One client, several nodes of one index ({@code --index A,B}): the first that answers is used; a
 * node is given up on at once when nothing listens there and after the whole schedule when it is
 * silent; then the client goes on with the next and stays there.
 */
class IndexNodesTest {
  private static final Digest D = Digest.sha256("nodes".getBytes(StandardCharsets.UTF_8));
  private static final InetAddress LO = InetAddress.getLoopbackAddress();

  /** Quick to give up on a silent node, yet patient with a busy machine: 5 × 200 ms. */
  private static final RetrySchedule FAST =
      new RetrySchedule(Collections.nCopies(5, Duration.ofMillis(200)));

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  private IndexServer server() throws Exception {
    return track(new IndexServer(IndexServer.Config.loopback().withClock(new TestClock())).start());
  }

  private IndexClient client(InetSocketAddress... nodes) throws Exception {
    return track(new IndexClient(List.of(nodes), FAST, Clock.systemUTC()));
  }

  @Test
  void theFirstNodeThatAnswersIsUsedAndTheNextWhenNothingListens() throws Exception {
    InetSocketAddress nowhere = IndexClientTest.closedPort();
    IndexServer b = server();
    // the spec's schedule: nothing-listens is known at the first send, no need to wait it out
    IndexClient c = track(new IndexClient(List.of(nowhere, b.localAddress())));
    List<InetSocketAddress> moves = new CopyOnWriteArrayList<>();
    c.onMove(moves::add);

    assertThat(c.register(PeerName.of("mai"), ContentName.of("song.ogg"), 4000, 1, D))
        .isEqualTo(90);
    assertThat(c.node()).isEqualTo(b.localAddress());
    assertThat(moves).containsExactly(b.localAddress());
    assertThat(c.listAll("")).containsExactly(new ListingEntry(ContentName.of("song.ogg"), 1, 1));
    assertThat(moves).as("it stays on the node that answered").hasSize(1);
  }

  @Test
  void aSilentNodeIsGivenUpOnAfterTheScheduleAndTheRequestGoesOnWithAFreshCookie()
      throws Exception {
    IndexServer a = server();
    IndexServer b = server();
    LossyProxy toA = track(new LossyProxy(a.localAddress()));
    LossyProxy toB = track(new LossyProxy(b.localAddress()));
    IndexClient c = client(toA.address(), toB.address());
    assertThat(c.listAll("")).isEmpty(); // a cookie from A, and A answers
    toA.dropReplies('A', 5); // A acts on the R but its every answer is lost

    assertThat(c.register(PeerName.of("mai"), ContentName.of("song.ogg"), 4000, 1, D))
        .isEqualTo(90);
    assertThat(toA.seen('R')).isEqualTo(5);
    assertThat(c.node()).isEqualTo(toB.address());
    // B got A's bytes first, did not know A's cookie, so: H, and the R again with B's cookie
    assertThat(toB.requests('R')).as("distinct R requests").isEqualTo(2);
    assertThat(toB.requests('H')).isEqualTo(1);
    try (IndexClient direct = new IndexClient(b.localAddress(), FAST, Clock.systemUTC())) {
      assertThat(direct.listAll(""))
          .containsExactly(new ListingEntry(ContentName.of("song.ogg"), 1, 1));
    }
  }

  @Test
  void theRequestAnotherNodeGaveUpOnIsSentOnUnchangedFromTheSamePort() throws Exception {
    // what lets nodes that share one store answer a retransmission as the first node did
    try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(LO, 0));
        DatagramSocket b = new DatagramSocket(new InetSocketAddress(LO, 0))) {
      a.setSoTimeout(10_000); // bounds on a broken test, not timing assertions
      b.setSoTimeout(10_000);
      IndexClient c =
          client(
              (InetSocketAddress) a.getLocalSocketAddress(),
              (InetSocketAddress) b.getLocalSocketAddress());
      AtomicReference<DatagramPacket> toA = new AtomicReference<>();
      AtomicReference<DatagramPacket> toB = new AtomicReference<>();
      Thread nodes =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      DatagramPacket p;
                      while ((p = receive(a)).getData()[0] == 'H') { // resends of H too
                        reply(a, p, new IndexMessage.CookieReply(requestId(p), 42));
                      }
                      toA.set(p); // the R: never answered (A died after acting on it)
                      toB.set(receive(b));
                      reply(b, toB.get(), new IndexMessage.Ack(requestId(toB.get()), 77));
                    } catch (Exception e) {
                      throw new AssertionError(e);
                    }
                  });
      assertThat(c.register(PeerName.of("mai"), ContentName.of("song.ogg"), 4000, 1, D))
          .isEqualTo(77);
      nodes.join();
      assertThat(data(toB.get())).isEqualTo(data(toA.get()));
      assertThat(toB.get().getPort()).isEqualTo(toA.get().getPort());
      assertThat(IndexCodec.decode(data(toB.get())))
          .isInstanceOf(IndexMessage.Register.class)
          .extracting(m -> ((IndexMessage.Register) m).cookie())
          .isEqualTo(42L);
    }
  }

  @Test
  void whenNoNodeAnswersTheErrorSaysWhatEachDid() throws Exception {
    InetSocketAddress nowhere = IndexClientTest.closedPort();
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LO, 0))) {
      IndexClient c = client(nowhere, (InetSocketAddress) silent.getLocalSocketAddress());
      assertThatThrownBy(() -> c.listAll(""))
          .isInstanceOf(IndexUnreachableException.class)
          .hasCauseInstanceOf(PortUnreachableException.class)
          .hasMessage(
              "no index node answered: nothing listens at 127.0.0.1:"
                  + nowhere.getPort()
                  + "; no reply from 127.0.0.1:"
                  + silent.getLocalPort()
                  + " after 5 tries (1 s)");
    }
  }

  private static DatagramPacket receive(DatagramSocket s) throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
    s.receive(p);
    return p;
  }

  private static byte[] data(DatagramPacket p) {
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  private static int requestId(DatagramPacket p) throws Exception {
    return IndexCodec.decode(p.getData(), 0, p.getLength()) instanceof IndexMessage.Request r
        ? r.requestId()
        : -1;
  }

  private static void reply(DatagramSocket s, DatagramPacket to, IndexMessage.Reply m)
      throws Exception {
    byte[] out = IndexCodec.encode(m);
    s.send(new DatagramPacket(out, out.length, to.getSocketAddress()));
  }
}
