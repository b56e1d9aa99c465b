package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** encode then decode gives the record back, over many varied values and at the limits. */
class IndexCodecRoundTripTest {
  private static final long SEED = 0x5eed_c0de_2024L;
  private static final String SUPPLEMENTARY = Character.toString(0x1F600); // 4 UTF-8 bytes

  static IndexMessage roundTrip(IndexMessage m) throws ProtocolException {
    byte[] wire = IndexCodec.encode(m);
    assertThat(wire.length).isLessThanOrEqualTo(IndexMessage.MAX_DATAGRAM);
    assertThat(wire[0]).isEqualTo((byte) m.type());
    assertThat(wire[1]).isEqualTo((byte) 1);
    return IndexCodec.decode(wire);
  }

  static List<IndexMessage> limits() throws UnknownHostException {
    PeerName peer32 = PeerName.of("p".repeat(32));
    PeerName peer32Unicode = PeerName.of("\u00e9".repeat(14) + SUPPLEMENTARY); // 28 + 4 bytes
    ContentName content255 = ContentName.of("c".repeat(255));
    ContentName content255Unicode = ContentName.of("\u65e5\u672c".repeat(42) + "abc"); // 252 + 3
    Digest ones = Digest.of(Hex.repeat(0xff, 32));
    List<Provider> sixteen = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      byte[] v6 = Hex.repeat(0xfe, 16);
      v6[15] = (byte) i;
      sixteen.add(
          new Provider(
              PeerName.of("p".repeat(30) + "%02d".formatted(i)),
              InetAddress.getByAddress(v6),
              65535 - i));
    }
    return List.of(
        new Hello(Integer.MIN_VALUE),
        new Hello(-1),
        new CookieReply(0, Long.MIN_VALUE),
        new CookieReply(-1, -1),
        new Register(-1, -1, peer32, content255, 65535, Long.MAX_VALUE, ones),
        new Register(0, 0, peer32Unicode, content255Unicode, 1, 0, ones),
        new Deregister(7, 8, peer32, content255),
        new Quit(1, 2, peer32Unicode),
        new Keepalive(1, 2, PeerName.of("x")),
        new ListRequest(1, 2, "z".repeat(255), "\u00c9".repeat(127)),
        new ListRequest(1, 2, SUPPLEMENTARY, ""),
        new Locate(1, 2, peer32, content255, 1),
        new Locate(1, 2, PeerName.of("q"), ContentName.of("r"), 16),
        new Listing(1, false, List.of()),
        new Listing(1, true, List.of(new ListingEntry(content255, 65535, Long.MAX_VALUE))),
        new Providers(1, Long.MAX_VALUE, ones, sixteen),
        new Providers(1, 0, ones, List.of()),
        new Ack(1, 0),
        new Ack(1, 0xffff_ffffL),
        new ErrorReply(1, ErrorCode.INTERNAL, "\u20ac".repeat(85)),
        new ErrorReply(1, ErrorCode.MALFORMED, ""));
  }

  @ParameterizedTest
  @MethodSource("limits")
  void limitsRoundTrip(IndexMessage m) throws ProtocolException {
    assertThat(roundTrip(m)).isEqualTo(m);
  }

  @Test
  void aListingThatFillsTheDatagramRoundTripsAndOneMoreByteDoesNotEncode()
      throws ProtocolException {
    List<ListingEntry> entries = fullListing();
    Listing full = new Listing(3, true, entries);
    assertThat(IndexCodec.encode(full)).hasSize(IndexMessage.MAX_DATAGRAM);
    assertThat(roundTrip(full)).isEqualTo(full);

    List<ListingEntry> over = new ArrayList<>(entries);
    ListingEntry last = over.removeLast();
    over.add(new ListingEntry(ContentName.of(last.content() + "x"), 1, 1));
    assertThatThrownBy(() -> IndexCodec.encode(new Listing(3, true, over)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** 4 entries of 266 bytes and one of 128: 8 + 1064 + 128 = 1200. */
  static List<ListingEntry> fullListing() {
    List<ListingEntry> entries = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      entries.add(new ListingEntry(ContentName.of(("" + i).repeat(255)), i, i * 1000L));
    }
    entries.add(new ListingEntry(ContentName.of("\u00e9".repeat(58) + "z"), 65535, Long.MAX_VALUE));
    assertThat(entries.getLast().wireSize()).isEqualTo(128);
    return entries;
  }

  @Test
  void manyRandomMessagesRoundTrip() throws Exception {
    Random rnd = new Random(SEED);
    for (int i = 0; i < 5000; i++) {
      IndexMessage m = randomMessage(rnd);
      try {
        assertThat(roundTrip(m)).isEqualTo(m);
      } catch (AssertionError | ProtocolException e) {
        throw new AssertionError("seed " + SEED + ", message " + i + ": " + m, e);
      }
    }
  }

  @Test
  void ipv4AndIpv6ProvidersKeepTheirFamily() throws Exception {
    Providers p =
        new Providers(
            9,
            5,
            Digest.sha256(new byte[0]),
            List.of(
                new Provider(PeerName.of("v4"), InetAddress.getByName("10.0.0.255"), 1),
                new Provider(PeerName.of("v6"), InetAddress.getByName("::1"), 2),
                new Provider(PeerName.of("v6b"), InetAddress.getByName("fe80::1"), 3),
                new Provider(PeerName.of("v4b"), InetAddress.getByName("255.255.255.255"), 4)));
    Providers back = (Providers) roundTrip(p);
    assertThat(back.providers())
        .extracting(q -> q.address().getAddress().length)
        .containsExactly(4, 16, 16, 4);
    assertThat(back).isEqualTo(p);
  }

  private static final PeerName P = PeerName.of("p");
  private static final ContentName C = ContentName.of("c");

  /** Names cannot break their rules (their type sees to it); every other field is checked here. */
  @Test
  void encoderRefusesRecordsTheDecoderWouldRefuse() throws UnknownHostException {
    Digest d = IndexFixtures.DIGEST;
    InetAddress lo = InetAddress.getLoopbackAddress();
    List<IndexMessage> invalid =
        List.of(
            new Register(1, 1, P, C, 0, 1, d),
            new Register(1, 1, P, C, 65536, 1, d),
            new Register(1, 1, P, C, 1, -1, d),
            new ListRequest(1, 1, "a".repeat(256), ""),
            new ListRequest(1, 1, "\ud800", ""),
            new Locate(1, 1, P, C, 0),
            new Locate(1, 1, P, C, 17),
            new Listing(1, false, List.of(new ListingEntry(C, 65536, 1))),
            new Listing(1, false, List.of(new ListingEntry(C, 1, -1))),
            new Providers(1, 1, d, List.of(new Provider(P, lo, 0))),
            new Providers(1, -1, d, List.of()),
            new Ack(1, -1),
            new Ack(1, 0x1_0000_0000L),
            new ErrorReply(1, ErrorCode.LIMIT, "m".repeat(256)));
    List<IndexMessage> encoded = new ArrayList<>();
    for (IndexMessage m : invalid) {
      try {
        IndexCodec.encode(m);
        encoded.add(m);
      } catch (IllegalArgumentException expected) {
        // refused, as it should be
      }
    }
    assertThat(encoded).as("records the encoder should have refused").isEmpty();
  }

  // ---- random valid messages ----

  static IndexMessage randomMessage(Random rnd) throws UnknownHostException {
    int id = rnd.nextInt();
    long cookie = rnd.nextLong();
    return switch (rnd.nextInt(12)) {
      case 0 -> new Hello(id);
      case 1 -> new CookieReply(id, cookie);
      case 2 ->
          new Register(
              id,
              cookie,
              PeerName.of(peer(rnd)),
              ContentName.of(content(rnd)),
              1 + rnd.nextInt(65535),
              size(rnd),
              Digest.of(randomBytes(rnd, 32)));
      case 3 -> new Deregister(id, cookie, PeerName.of(peer(rnd)), ContentName.of(content(rnd)));
      case 4 -> new Quit(id, cookie, PeerName.of(peer(rnd)));
      case 5 -> new Keepalive(id, cookie, PeerName.of(peer(rnd)));
      case 6 -> new ListRequest(id, cookie, text(rnd, 0, 255), text(rnd, 0, 255));
      case 7 ->
          new Locate(
              id,
              cookie,
              PeerName.of(peer(rnd)),
              ContentName.of(content(rnd)),
              1 + rnd.nextInt(16));
      case 8 -> {
        List<ListingEntry> entries = new ArrayList<>();
        int room = IndexMessage.MAX_DATAGRAM - 8;
        int want = rnd.nextInt(40);
        while (entries.size() < want) {
          ListingEntry e =
              new ListingEntry(ContentName.of(content(rnd)), rnd.nextInt(65536), size(rnd));
          if (e.wireSize() > room) {
            break;
          }
          room -= e.wireSize();
          entries.add(e);
        }
        yield new Listing(id, rnd.nextBoolean(), entries);
      }
      case 9 -> {
        List<Provider> ps = new ArrayList<>();
        int n = rnd.nextInt(17);
        for (int i = 0; i < n; i++) {
          byte[] addr = randomBytes(rnd, rnd.nextBoolean() ? 4 : 16);
          InetAddress a =
              addr.length == 16
                  ? java.net.Inet6Address.getByAddress(null, addr, null)
                  : InetAddress.getByAddress(addr);
          ps.add(new Provider(PeerName.of(peer(rnd)), a, 1 + rnd.nextInt(65535)));
        }
        yield new Providers(id, size(rnd), Digest.of(randomBytes(rnd, 32)), ps);
      }
      case 10 -> new Ack(id, rnd.nextLong() & 0xffff_ffffL);
      default ->
          new ErrorReply(
              id, ErrorCode.values()[rnd.nextInt(ErrorCode.values().length)], text(rnd, 0, 255));
    };
  }

  private static long size(Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> 0;
      case 1 -> Long.MAX_VALUE;
      case 2 -> rnd.nextInt(1 << 24);
      default -> rnd.nextLong() & Long.MAX_VALUE;
    };
  }

  private static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** Code points from several UTF-8 lengths, some controls and slashes that names skip. */
  private static final int[] POOL = {
    'a', 'Z', '0', ' ', '.', '-', '_', '~', '/', '\\', 0x00, 0x1f, 0x7f, 0x80, 0xe9, 0x3b1, 0x7ff,
    0x800, 0x4e2d, 0xfeff, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff
  };

  static String text(Random rnd, int minBytes, int maxBytes) {
    int target = minBytes + rnd.nextInt(maxBytes - minBytes + 1);
    StringBuilder sb = new StringBuilder();
    int bytes = 0;
    while (bytes < target) {
      int cp = POOL[rnd.nextInt(POOL.length)];
      int n = Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes + n > maxBytes) {
        break;
      }
      sb.appendCodePoint(cp);
      bytes += n;
    }
    return sb.toString();
  }

  static String peer(Random rnd) {
    while (true) {
      String s = text(rnd, 1, 32);
      if (PeerName.isValid(s)) {
        return s;
      }
    }
  }

  static String content(Random rnd) {
    while (true) {
      String s = text(rnd, 1, rnd.nextBoolean() ? 20 : 255);
      if (ContentName.isValid(s)) {
        return s;
      }
    }
  }
}
