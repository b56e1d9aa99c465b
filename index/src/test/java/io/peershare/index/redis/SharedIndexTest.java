package io.peershare.index.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.peershare.index.IndexServer;
import io.peershare.index.RegistryLimits;
import io.peershare.index.TestServers;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Hello;
import io.peershare.protocol.IndexMessage.ListRequest;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three index nodes on one Redis (standalone, then a cluster), requests alternating between them:
 * they must act as one index. Real clock, production sweep interval.
 */
class SharedIndexTest {
  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));

  private final List<IndexServer> nodes = new ArrayList<>();
  private final List<Peer> peers = new ArrayList<>();

  @AfterEach
  void stop() {
    peers.forEach(Peer::close);
    nodes.forEach(IndexServer::close);
  }

  private void startNodes(TestServers kind, Duration lease) throws IOException {
    RedisStore store = kind.emptyStore();
    for (int i = 0; i < 3; i++) {
      nodes.add(
          RedisNode.start(
              IndexServer.Config.defaults()
                  .withPort(0)
                  .withBind(InetAddress.getLoopbackAddress())
                  .withLease(lease)
                  .withLimits(RegistryLimits.defaults()),
              store,
              RedisRegistry.SWEEP_INTERVAL_MILLIS));
    }
  }

  private InetSocketAddress node(int i) {
    return nodes.get(i % nodes.size()).localAddress();
  }

  /** A client socket on {@code ip} that can talk to any node. */
  private Peer peer(String ip) throws IOException {
    Peer p = new Peer(ip);
    peers.add(p);
    return p;
  }

  private static final class Peer implements AutoCloseable {
    final DatagramSocket socket;
    int id = 1;

    Peer(String ip) throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
      socket.setSoTimeout(5_000); // a bound on a broken test, not a timing assertion
    }

    byte[] exchange(InetSocketAddress to, byte[] datagram) throws IOException {
      socket.send(new DatagramPacket(datagram, datagram.length, to));
      DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
      socket.receive(p);
      assertThat(p.getSocketAddress()).isEqualTo(to);
      return Arrays.copyOf(p.getData(), p.getLength());
    }

    IndexMessage call(InetSocketAddress to, IndexMessage m) throws Exception {
      return IndexCodec.decode(exchange(to, IndexCodec.encode(m)));
    }

    long cookie(InetSocketAddress from) throws Exception {
      return ((CookieReply) call(from, new Hello(id++))).cookie();
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  private static ErrorCode code(IndexMessage m) {
    assertThat(m).isInstanceOf(ErrorReply.class);
    return ((ErrorReply) m).code();
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aCookieFromAnyNodeIsValidOnEveryNode(TestServers kind) throws Exception {
    startNodes(kind, Duration.ofSeconds(90));
    Peer p = peer("127.0.0.1");
    long cookie = p.cookie(node(0));
    for (int i = 0; i < 3; i++) {
      assertThat(p.call(node(i), new ListRequest(p.id++, cookie, "", "")))
          .isInstanceOf(Listing.class);
    }
    Peer other = peer("127.0.0.2"); // a cookie is bound to its address on every node
    assertThat(code(other.call(node(1), new ListRequest(other.id++, cookie, "", ""))))
        .isEqualTo(ErrorCode.BAD_COOKIE);
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void roundRobinIsGlobalAndTheRulesHoldAcrossNodes(TestServers kind) throws Exception {
    startNodes(kind, Duration.ofSeconds(90));
    List<Peer> providers = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      Peer p = peer("127.0.0." + i);
      long cookie = p.cookie(node(i));
      assertThat(
              p.call(
                  node(i),
                  new Register(
                      p.id++,
                      cookie,
                      PeerName.of("p" + i),
                      ContentName.of("song"),
                      4000 + i,
                      7,
                      D)))
          .isInstanceOf(Ack.class);
      providers.add(p);
    }
    Peer asker = peer("127.0.0.9");
    long cookie = asker.cookie(node(0));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Providers ps =
          (Providers)
              asker.call(
                  node(i),
                  new Locate(asker.id++, cookie, PeerName.of("asker"), ContentName.of("song"), 1));
      order.add(ps.providers().getFirst().peer().toString());
    }
    assertThat(order).containsExactly("p1", "p2", "p3", "p4", "p1", "p2", "p3", "p4");
    Providers all =
        (Providers)
            asker.call(
                node(2),
                new Locate(asker.id++, cookie, PeerName.of("asker"), ContentName.of("song"), 16));
    assertThat(all.providers().getFirst())
        .isEqualTo(new Provider(PeerName.of("p1"), InetAddress.getByName("127.0.0.1"), 4001));

    // the name rule: p1 is held from 127.0.0.1, whichever node is asked
    Peer thief = peer("127.0.0.5");
    long tc = thief.cookie(node(2));
    assertThat(
            code(
                thief.call(
                    node(2),
                    new Register(
                        thief.id++, tc, PeerName.of("p1"), ContentName.of("other"), 1, 1, D))))
        .isEqualTo(ErrorCode.NAME_TAKEN);
    // T: only the owner, from its address, through any node
    assertThat(
            code(
                thief.call(
                    node(0),
                    new Deregister(thief.id++, tc, PeerName.of("p1"), ContentName.of("song")))))
        .isEqualTo(ErrorCode.NOT_OWNER);
    Peer p1 = providers.getFirst();
    long c1 = p1.cookie(node(0));
    assertThat(
            p1.call(
                node(2), new Deregister(p1.id++, c1, PeerName.of("p1"), ContentName.of("song"))))
        .isEqualTo(new Ack(p1.id - 1, 0));
    Listing l = (Listing) asker.call(node(1), new ListRequest(asker.id++, cookie, "", ""));
    assertThat(l.entries()).containsExactly(new ListingEntry(ContentName.of("song"), 3, 7));
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aRegisterRetransmittedToAnotherNodeGetsTheSameBytesAndActsOnce(TestServers kind)
      throws Exception {
    startNodes(kind, Duration.ofSeconds(90));
    Peer p = peer("127.0.0.1");
    long cookie = p.cookie(node(0));
    byte[] r =
        IndexCodec.encode(
            new Register(p.id++, cookie, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D));
    byte[] first = p.exchange(node(0), r);
    assertThat(IndexCodec.decode(first)).isInstanceOf(Ack.class);
    // the reply "was lost": the client sends the same datagram again, this time to node 1
    assertThat(p.exchange(node(1), r)).isEqualTo(first);
    assertThat(p.exchange(node(2), r)).isEqualTo(first);
    // acted once: a fresh R of the same registration is refused, not a second provider
    byte[] again =
        IndexCodec.encode(
            new Register(p.id++, cookie, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D));
    assertThat(code(IndexCodec.decode(p.exchange(node(1), again))))
        .isEqualTo(ErrorCode.ALREADY_REGISTERED);
    Providers ps =
        (Providers)
            p.call(
                node(2), new Locate(p.id++, cookie, PeerName.of("mai"), ContentName.of("a"), 16));
    assertThat(ps.providers()).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aRefusedRegisterRetransmittedToAnotherNodeGetsTheSameErrorAndChangesNothing(TestServers kind)
      throws Exception {
    // on a standalone store an R's claim is written as its A up front and turned back into a
    // plain claim when the R is refused: a resend must get the refusal, never that A
    startNodes(kind, Duration.ofSeconds(90));
    Peer mai = peer("127.0.0.1");
    long cookie = mai.cookie(node(0));
    assertThat(
            mai.call(
                node(0),
                new Register(
                    mai.id++, cookie, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D)))
        .isInstanceOf(Ack.class);
    byte[] conflict =
        IndexCodec.encode(
            new Register(mai.id++, cookie, PeerName.of("mai"), ContentName.of("b"), 4000, 1, D));
    assertThat(
            mai.call(
                node(0),
                new Register(
                    mai.id++, cookie, PeerName.of("ana"), ContentName.of("b"), 4000, 9, D)))
        .isInstanceOf(Ack.class);
    byte[] first = mai.exchange(node(0), conflict);
    assertThat(code(IndexCodec.decode(first))).isEqualTo(ErrorCode.CONFLICT);
    assertThat(mai.exchange(node(1), conflict)).isEqualTo(first);
    assertThat(mai.exchange(node(2), conflict)).isEqualTo(first);

    Peer thief = peer("127.0.0.5");
    long tc = thief.cookie(node(1));
    byte[] taken =
        IndexCodec.encode(
            new Register(thief.id++, tc, PeerName.of("mai"), ContentName.of("c"), 4000, 1, D));
    byte[] refused = thief.exchange(node(1), taken);
    assertThat(code(IndexCodec.decode(refused))).isEqualTo(ErrorCode.NAME_TAKEN);
    assertThat(thief.exchange(node(2), taken)).isEqualTo(refused);
    assertThat(thief.exchange(node(0), taken)).isEqualTo(refused);

    // nothing was written by either refusal: mai provides "a" alone, "b" is ana's, no "c"
    Listing l = (Listing) mai.call(node(2), new ListRequest(mai.id++, cookie, "", ""));
    assertThat(l.entries())
        .containsExactly(
            new ListingEntry(ContentName.of("a"), 1, 1),
            new ListingEntry(ContentName.of("b"), 1, 9));
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void keepaliveDeregisterAndQuitRetransmittedToAnotherNodeGetTheSameBytesAndActOnce(
      TestServers kind) throws Exception {
    startNodes(kind, Duration.ofSeconds(90));
    Peer p = peer("127.0.0.1");
    long cookie = p.cookie(node(0));
    for (String c : List.of("a", "b", "c")) {
      assertThat(
              p.call(
                  node(0),
                  new Register(p.id++, cookie, PeerName.of("mai"), ContentName.of(c), 4000, 1, D)))
          .isInstanceOf(Ack.class);
    }
    byte[] k = IndexCodec.encode(new IndexMessage.Keepalive(p.id++, cookie, PeerName.of("mai")));
    byte[] kFirst = p.exchange(node(0), k);
    assertThat(IndexCodec.decode(kFirst)).isInstanceOf(Ack.class);
    assertThat(p.exchange(node(1), k)).isEqualTo(kFirst);

    // T acts once: the second T through another node would be NOT_FOUND if it acted again
    byte[] t =
        IndexCodec.encode(new Deregister(p.id++, cookie, PeerName.of("mai"), ContentName.of("a")));
    byte[] tFirst = p.exchange(node(1), t);
    assertThat(IndexCodec.decode(tFirst)).isEqualTo(new Ack(p.id - 1, 0));
    assertThat(p.exchange(node(2), t)).isEqualTo(tFirst);
    assertThat(p.exchange(node(0), t)).isEqualTo(tFirst);

    byte[] q = IndexCodec.encode(new IndexMessage.Quit(p.id++, cookie, PeerName.of("mai")));
    byte[] qFirst = p.exchange(node(2), q);
    assertThat(IndexCodec.decode(qFirst)).isEqualTo(new Ack(p.id - 1, 0));
    // registered again through another node: the retransmitted Q must not remove it
    assertThat(
            p.call(
                node(1),
                new Register(p.id++, cookie, PeerName.of("mai"), ContentName.of("b"), 4000, 1, D)))
        .isInstanceOf(Ack.class);
    assertThat(p.exchange(node(0), q)).isEqualTo(qFirst);
    Listing l = (Listing) p.call(node(1), new ListRequest(p.id++, cookie, "", ""));
    assertThat(l.entries()).containsExactly(new ListingEntry(ContentName.of("b"), 1, 1));
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void aMutationAnotherNodeIsStillAtGetsNoReplyAndActsOnlyOnceItIsFree(TestServers kind)
      throws Exception {
    startNodes(kind, Duration.ofSeconds(90));
    Peer p = peer("127.0.0.1");
    long cookie = p.cookie(node(0));
    Register register =
        new Register(p.id++, cookie, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D);
    byte[] r = IndexCodec.encode(register);
    // "another node" claimed this very datagram and has not answered yet
    RedisStore store = kind.store();
    RedisReplies.Ticket ticket =
        (RedisReplies.Ticket)
            new RedisReplies(store)
                .ticket(
                    (InetSocketAddress) p.socket.getLocalSocketAddress(), register, r, 0, r.length);
    byte[] claimed = new byte[1 + ticket.hash().length + 8];
    claimed[0] = 'P';
    System.arraycopy(ticket.hash(), 0, claimed, 1, ticket.hash().length);
    // on a standalone store a field of R's time bucket, whose plain claim ends with its deadline
    long now = System.currentTimeMillis();
    java.nio.ByteBuffer.wrap(claimed).putLong(claimed.length - 8, now + 60_000);
    byte[] bucket = RedisReplies.buckets(now)[0];
    if (ticket.inBuckets()) {
      store.await(store.commands().hset(bucket, ticket.field(), claimed).toCompletableFuture());
    } else {
      store.await(store.commands().set(ticket.key(), claimed).toCompletableFuture());
    }
    p.socket.setSoTimeout(1_000);
    assertThatThrownBy(() -> p.exchange(node(1), r)).isInstanceOf(SocketTimeoutException.class);
    long c2 = p.cookie(node(2));
    assertThat(
            code(p.call(node(2), new Locate(p.id++, c2, PeerName.of("x"), ContentName.of("a"), 1))))
        .isEqualTo(ErrorCode.NOT_FOUND); // nothing was done
    // that node gave up (its claim went): the client's next try acts
    if (ticket.inBuckets()) {
      store.await(store.commands().hdel(bucket, ticket.field()).toCompletableFuture());
    } else {
      store.await(store.commands().del(ticket.key()).toCompletableFuture());
    }
    p.socket.setSoTimeout(5_000);
    assertThat(IndexCodec.decode(p.exchange(node(2), r)))
        .isEqualTo(new Ack(register.requestId(), 90));
  }

  @ParameterizedTest
  @EnumSource(names = {"REDIS", "REDIS_CLUSTER"})
  void leasesExpireAfterTheNodeThatTookTheRegisterIsGone(TestServers kind) throws Exception {
    startNodes(kind, Duration.ofSeconds(2));
    Peer p = peer("127.0.0.1");
    long cookie = p.cookie(node(0));
    assertThat(
            p.call(
                node(0),
                new Register(p.id++, cookie, PeerName.of("mai"), ContentName.of("a"), 4000, 1, D)))
        .isInstanceOf(Ack.class);
    nodes.removeFirst().close(); // the node that took the R stops
    Peer asker = peer("127.0.0.2");
    long c = asker.cookie(node(0));
    assertThat(
            asker.call(
                node(1), new Locate(asker.id++, c, PeerName.of("x"), ContentName.of("a"), 1)))
        .isInstanceOf(Providers.class);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ((Listing) asker.call(node(0), new ListRequest(asker.id++, c, "", "")))
                    .entries()
                    .isEmpty());
    assertThat(
            code(
                asker.call(
                    node(1), new Locate(asker.id++, c, PeerName.of("x"), ContentName.of("a"), 1))))
        .isEqualTo(ErrorCode.NOT_FOUND);
  }
}
