package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.peershare.protocol.IndexMessage.Keepalive;
import io.peershare.protocol.IndexMessage.ListRequest;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Quit;
import io.peershare.protocol.IndexMessage.Register;
import io.peershare.protocol.PeerName;
import io.peershare.testing.TestClock;
import io.peershare.testing.UdpClient;
import io.peershare.testing.UdpClient.Strangers;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

public class IndexServerTest {
  /** The store under the server: subclasses run every test again on another. */
  protected TestServers store() {
    return TestServers.MEMORY;
  }

  private static final Digest D = Digest.sha256("x".getBytes(StandardCharsets.UTF_8));

  private final TestClock clock = new TestClock(1_000_000);
  private IndexServer server;
  private UdpClient c;

  @BeforeEach
  void start() throws Exception {
    server = store().start(IndexServer.Config.loopback().withClock(clock));
    c = new UdpClient(server.localAddress(), "127.0.0.1", Strangers.FAIL).hello();
  }

  @AfterEach
  void stop() {
    c.close();
    server.close();
  }

  private Register reg(UdpClient client, String peer, String content) {
    return new Register(
        client.nextId(), client.cookie(), PeerName.of(peer), ContentName.of(content), 4000, 1, D);
  }

  private static ErrorCode code(IndexMessage m) {
    assertThat(m).isInstanceOf(ErrorReply.class);
    return ((ErrorReply) m).code();
  }

  @Test
  void helloRepliesWithACookieNoLongerThanTheRequest() throws Exception {
    byte[] h = IndexCodec.encode(new Hello(77));
    byte[] y = c.exchange(h);
    assertThat(y).hasSize(h.length);
    assertThat(IndexCodec.decode(y)).isInstanceOf(CookieReply.class);
    assertThat(server.localAddress().getPort()).isPositive();
  }

  @Test
  void everyRequestTypeOverUdp() throws Exception {
    Register r = reg(c, "mai", "song.ogg");
    assertThat(c.call(r)).isEqualTo(new Ack(r.requestId(), 90));
    Providers p =
        (Providers)
            c.call(
                new Locate(
                    c.nextId(), c.cookie(), PeerName.of("bo"), ContentName.of("song.ogg"), 4));
    assertThat(p.providers())
        .containsExactly(
            new Provider(PeerName.of("mai"), InetAddress.getByName("127.0.0.1"), 4000));
    assertThat(p.digest()).isEqualTo(D);
    Listing l = (Listing) c.call(new ListRequest(c.nextId(), c.cookie(), "", "SONG"));
    assertThat(l.entries()).containsExactly(new ListingEntry(ContentName.of("song.ogg"), 1, 1));
    assertThat(l.more()).isFalse();
    assertThat(c.call(new Keepalive(c.nextId(), c.cookie(), PeerName.of("mai"))))
        .isInstanceOf(Ack.class);
    Ack t =
        (Ack)
            c.call(
                new Deregister(
                    c.nextId(), c.cookie(), PeerName.of("mai"), ContentName.of("song.ogg")));
    assertThat(t.leaseSeconds()).isZero();
    assertThat(code(c.call(new Keepalive(c.nextId(), c.cookie(), PeerName.of("mai")))))
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(
            code(
                c.call(
                    new Locate(
                        c.nextId(), c.cookie(), PeerName.of("bo"), ContentName.of("song.ogg"), 1))))
        .isEqualTo(ErrorCode.NOT_FOUND);
    c.call(reg(c, "mai", "a"));
    Ack q = (Ack) c.call(new Quit(c.nextId(), c.cookie(), PeerName.of("mai")));
    assertThat(q.leaseSeconds()).isZero();
    assertThat(((Listing) c.call(new ListRequest(c.nextId(), c.cookie(), "", ""))).entries())
        .isEmpty();
  }

  @Test
  void registryRefusalsComeBackAsErrors() throws Exception {
    c.call(reg(c, "mai", "a"));
    assertThat(code(c.call(reg(c, "mai", "a")))).isEqualTo(ErrorCode.ALREADY_REGISTERED);
    Register other =
        new Register(c.nextId(), c.cookie(), PeerName.of("bo"), ContentName.of("a"), 4000, 2, D);
    assertThat(code(c.call(other))).isEqualTo(ErrorCode.CONFLICT);
    assertThat(
            code(
                c.call(
                    new Deregister(
                        c.nextId(), c.cookie(), PeerName.of("bo"), ContentName.of("a")))))
        .isEqualTo(ErrorCode.NOT_OWNER);
  }

  @Test
  void aPeerNameInUseFromAnotherAddressIsTaken() throws Exception {
    c.call(reg(c, "mai", "a"));
    try (UdpClient other =
        new UdpClient(server.localAddress(), "127.0.0.2", Strangers.FAIL).hello()) {
      assertThat(code(other.call(reg(other, "mai", "b")))).isEqualTo(ErrorCode.NAME_TAKEN);
      assertThat(
              code(
                  other.call(
                      new Deregister(
                          other.nextId(),
                          other.cookie(),
                          PeerName.of("mai"),
                          ContentName.of("a")))))
          .isEqualTo(ErrorCode.NOT_OWNER);
      assertThat(c.call(reg(c, "mai", "b"))).isInstanceOf(Ack.class);
    }
  }

  @Test
  void aCookieFromAnotherAddressIsBad() throws Exception {
    try (UdpClient other = new UdpClient(server.localAddress(), "127.0.0.2", Strangers.FAIL)) {
      other.useCookie(c.cookie(), c.cookieAt());
      assertThat(code(other.call(reg(other, "mai", "b")))).isEqualTo(ErrorCode.BAD_COOKIE);
    }
  }

  @Test
  void badVersionTypeCookieAndBodyInTheSpecsOrder() throws Exception {
    byte[] r = IndexCodec.encode(reg(c, "mai", "a"));
    byte[] v = r.clone();
    v[1] = 2;
    v[0] = 'Z'; // version is checked before type
    assertThat(code(IndexCodec.decode(c.exchange(v)))).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    byte[] t = r.clone();
    t[0] = 'Z';
    t[6] ^= 1; // type before cookie
    assertThat(code(IndexCodec.decode(c.exchange(t)))).isEqualTo(ErrorCode.UNSUPPORTED);
    byte[] reply = r.clone();
    reply[0] = 'A'; // a reply type sent to the server
    assertThat(code(IndexCodec.decode(c.exchange(reply)))).isEqualTo(ErrorCode.UNSUPPORTED);
    byte[] k = r.clone();
    k[6] ^= 1;
    k[r.length - 1] = 0; // cookie before body
    k[14] = (byte) 200;
    assertThat(code(IndexCodec.decode(c.exchange(k)))).isEqualTo(ErrorCode.BAD_COOKIE);
    byte[] m = java.util.Arrays.copyOf(r, r.length - 1);
    assertThat(code(IndexCodec.decode(c.exchange(m)))).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void tooShortForACookieCountsAsNone() throws Exception {
    byte[] r = java.util.Arrays.copyOf(IndexCodec.encode(reg(c, "mai", "a")), 12);
    byte[] e = c.exchange(r);
    assertThat(e.length).isLessThanOrEqualTo(12);
    assertThat(code(IndexCodec.decode(e))).isEqualTo(ErrorCode.BAD_COOKIE);
  }

  @Test
  void runtAndOversizedDatagramsGetNoReplyAndTheServerGoesOn() throws Exception {
    c.send(new byte[] {'H', 1, 0, 0, 0});
    c.send(new byte[1201]);
    c.send(new byte[8]); // an error would need 9 bytes: no reply
    c.assertNothingPending();
  }

  @Test
  void aRetransmittedRegisterGetsTheSameAckAndActsOnce() throws Exception {
    byte[] r = IndexCodec.encode(reg(c, "mai", "a"));
    byte[] first = c.exchange(r);
    assertThat(c.exchange(r)).isEqualTo(first);
    assertThat(IndexCodec.decode(first)).isInstanceOf(Ack.class);
    byte[] sameIdOtherBytes =
        IndexCodec.encode(
            new Register(
                IndexCodec.decode(r).requestId(),
                c.cookie(),
                PeerName.of("mai"),
                ContentName.of("b"),
                4000,
                1,
                D));
    assertThat(IndexCodec.decode(c.exchange(sameIdOtherBytes))).isInstanceOf(Ack.class);
    Listing l = (Listing) c.call(new ListRequest(c.nextId(), c.cookie(), "", ""));
    assertThat(l.entries()).extracting(ListingEntry::providers).containsExactly(1, 1);
  }

  @Test
  void aRetransmittedLocateDoesNotRotateTwice() throws Exception {
    c.call(reg(c, "mai", "a"));
    try (UdpClient other =
        new UdpClient(server.localAddress(), "127.0.0.2", Strangers.FAIL).hello()) {
      other.call(reg(other, "bo", "a"));
    }
    byte[] s =
        IndexCodec.encode(
            new Locate(c.nextId(), c.cookie(), PeerName.of("x"), ContentName.of("a"), 1));
    byte[] first = c.exchange(s);
    assertThat(c.exchange(s)).isEqualTo(first);
    List<String> order = new ArrayList<>();
    order.add(((Providers) IndexCodec.decode(first)).providers().get(0).peer().toString());
    for (int i = 0; i < 3; i++) {
      Providers p =
          (Providers)
              c.call(new Locate(c.nextId(), c.cookie(), PeerName.of("x"), ContentName.of("a"), 1));
      order.add(p.providers().get(0).peer().toString());
    }
    assertThat(order).containsExactly("mai", "bo", "mai", "bo");
  }

  @Test
  void leasesExpireOnTheServerClockAndKeepaliveRenews() throws Exception {
    c.call(reg(c, "mai", "a"));
    c.call(reg(c, "bo", "b"));
    clock.advance(Duration.ofSeconds(60));
    c.hello(); // same cookie bucket rules as a real client: refresh at 60 s
    assertThat(c.call(new Keepalive(c.nextId(), c.cookie(), PeerName.of("mai"))))
        .isInstanceOf(Ack.class);
    clock.advance(Duration.ofSeconds(30));
    Listing l = (Listing) c.call(new ListRequest(c.nextId(), c.cookie(), "", ""));
    assertThat(l.entries()).extracting(ListingEntry::content).containsExactly(ContentName.of("a"));
    clock.advance(Duration.ofSeconds(60));
    Listing none = (Listing) c.call(new ListRequest(c.nextId(), c.cookie(), "", ""));
    assertThat(none.entries()).isEmpty();
  }

  @Test
  void listingPagesFillTheDatagramAndSayMore() throws Exception {
    for (int i = 0; i < 300; i++) {
      c.call(reg(c, "p", String.format("%03d-%s", i, "n".repeat(20))));
    }
    List<String> seen = new ArrayList<>();
    String after = "";
    Listing page;
    int pages = 0;
    do {
      byte[] reply =
          c.exchange(IndexCodec.encode(new ListRequest(c.nextId(), c.cookie(), after, "")));
      assertThat(reply.length).isLessThanOrEqualTo(IndexMessage.MAX_DATAGRAM);
      page = (Listing) IndexCodec.decode(reply);
      page.entries().forEach(e -> seen.add(e.content().toString()));
      after = page.entries().get(page.entries().size() - 1).content().toString();
      pages++;
    } while (page.more());
    assertThat(seen).hasSize(300).isSorted();
    assertThat(pages).isGreaterThan(1);
  }
}
