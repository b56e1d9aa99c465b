package io.peershare.index.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announce;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Connected;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.Failure;
import io.peershare.protocol.bittorrent.TrackerMessage.Reply;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tracker's behaviour per BEP 15, datagram by datagram, on a clock the test moves. */
class TrackerHandlerTest {
  static final InfoHash HASH = InfoHash.ofHex("0123456789abcdef0123456789abcdef01234567");
  static final int INTERVAL = 1800;
  static final long START = 1_700_000_000_000L;

  long now = START;
  final CookieJar jar = new CookieJar(new SplittableRandom(1));
  TrackerHandler handler = handler(new SwarmLimits(1000, 10_000, 10_000), 0);

  TrackerHandler handler(SwarmLimits limits, long rate) {
    return new TrackerHandler(
        new MemorySwarmStore(2_000L * INTERVAL, limits, new SplittableRandom(2)),
        jar,
        new AddressRateLimiter(rate, 100),
        INTERVAL);
  }

  static InetSocketAddress at(String ip, int port) {
    return new InetSocketAddress(ip, port);
  }

  byte[] send(InetSocketAddress from, byte[] datagram) {
    return handler.handle(from, datagram, datagram.length, now);
  }

  Reply call(InetSocketAddress from, byte[] datagram) throws Exception {
    byte[] r = send(from, datagram);
    assertThat(r).as("a reply").isNotNull();
    return TrackerCodec.decodeReply(r, 0, r.length, from.getAddress().getAddress().length == 16);
  }

  long connect(InetSocketAddress from) throws Exception {
    return ((Connected) call(from, TrackerCodec.encode(new Connect(1)))).connectionId();
  }

  static Announce announce(long id, InfoHash hash, int port, long left, Event event, int want) {
    return new Announce(
        id, 2, hash, "-XX0001-" + "0".repeat(12), 0, left, 0, event, 0, 0, want, port, "");
  }

  Reply announce(InetSocketAddress from, InfoHash hash, int port, long left, Event e, int want)
      throws Exception {
    return call(from, TrackerCodec.encode(announce(connect(from), hash, port, left, e, want)));
  }

  Announced join(InetSocketAddress from, int port, long left) throws Exception {
    return (Announced) announce(from, HASH, port, left, Event.STARTED, -1);
  }

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
  }

  @Test
  void connectIsAnsweredWithExactly16Bytes() {
    byte[] reply = send(at("127.0.0.2", 6881), bytes("0000041727101980 | 00000000 | cafebabe"));
    assertThat(reply).hasSize(16);
    ByteBuffer b = ByteBuffer.wrap(reply);
    assertThat(b.getInt()).as("action").isZero();
    assertThat(b.getInt()).as("transaction id").isEqualTo(0xcafebabe);
    assertThat(jar.isValid(at("127.0.0.2", 0), b.getLong(), now)).isTrue();
  }

  @Test
  void aWholeExchangeToTheByte() throws Exception {
    InetSocketAddress seeder = at("127.0.0.2", 40000);
    join(seeder, 6881, 0);
    InetSocketAddress leecher = at("127.0.0.3", 40000);
    long id = connect(leecher);
    // announce: started, left 32 MiB, num_want -1, port 6882
    byte[] request =
        bytes(
            String.format("%016x", id)
                + "| 00000001 | 00000007 | 0123456789abcdef0123456789abcdef01234567"
                + "| 2d5858303030312d303030303030303030303030"
                + "| 0000000000000000 | 0000000002000000 | 0000000000000000"
                + "| 00000002 | 00000000 | 00000000 | ffffffff | 1ae2");
    // interval 1800 | leechers 1 | seeders 1 | 127.0.0.2:6881
    assertThat(HexFormat.of().formatHex(send(leecher, request)))
        .isEqualTo("00000001" + "00000007" + "00000708" + "00000001" + "00000001" + "7f0000021ae1");
  }

  @Test
  void connectWithoutTheProtocolIdOrTooShortGetsNothing() {
    assertThat(send(at("127.0.0.2", 1), bytes("0000041727101981 00000000 cafebabe"))).isNull();
    assertThat(send(at("127.0.0.2", 1), bytes("0000041727101980 00000000 cafeba"))).isNull();
    assertThat(send(at("127.0.0.2", 1), new byte[TrackerHandler.MAX_REQUEST + 1])).isNull();
  }

  @Test
  void actionsOtherThanAnnounceAndScrapeGetNothing() throws Exception {
    long id = connect(at("127.0.0.2", 1));
    for (int action : new int[] {3, 4, -1, 0x41727101}) {
      byte[] d = ByteBuffer.allocate(98).putLong(id).putInt(action).putInt(5).array();
      assertThat(send(at("127.0.0.2", 1), d)).as("action %d", action).isNull();
    }
  }

  @Test
  void aBadConnectionIdGetsAnErrorNoLongerThanTheRequestAndActsOnNothing() throws Exception {
    InetSocketAddress eve = at("127.0.0.9", 1);
    long stolen = connect(at("127.0.0.2", 1)); // another address's id
    for (long id : new long[] {0, stolen, stolen + 1, TrackerCodec.connectionId(new byte[8], 0)}) {
      byte[] a = TrackerCodec.encode(announce(id, HASH, 6881, 0, Event.STARTED, 50));
      byte[] r = send(eve, a);
      assertThat(r.length).isLessThanOrEqualTo(a.length);
      assertThat(TrackerCodec.decodeReply(r, 0, r.length, false)).isInstanceOf(Failure.class);
      byte[] s = TrackerCodec.encode(new Scrape(id, 3, List.of(HASH)));
      assertThat(send(eve, s)).hasSizeLessThanOrEqualTo(s.length);
    }
    // the smallest request gets the smallest error
    byte[] tiny = ByteBuffer.allocate(16).putLong(1).putInt(1).putInt(9).array();
    assertThat(send(eve, tiny)).hasSize(16);
    assertThat(handler.totals()).isEqualTo(new SwarmStore.Totals(0, 0, 0));
  }

  @Test
  void connectionIdsLastTwoMinutesAtLeastAndAreBoundToTheAddressNotThePort() throws Exception {
    long id = connect(at("127.0.0.2", 1));
    now += Duration.ofSeconds(119).toMillis();
    byte[] a = TrackerCodec.encode(announce(id, HASH, 6881, 0, Event.STARTED, 50));
    assertThat(call(at("127.0.0.2", 2), a)).isInstanceOf(Announced.class);
    now += Duration.ofSeconds(62).toMillis(); // 181 s: past the third minute bucket
    assertThat(call(at("127.0.0.2", 1), a)).isInstanceOf(Failure.class);
  }

  @Test
  void peersComeFromTheRequestsAddressFamilyOnly() throws Exception {
    join(at("127.0.0.2", 1), 1002, 0);
    join(at("::2", 1), 2002, 0);
    Announced v4 = join(at("127.0.0.3", 1), 1003, 100);
    Announced v6 = join(at("::3", 1), 2003, 100);
    assertThat(v4.peers()).containsExactly(at("127.0.0.2", 1002));
    assertThat(v6.peers()).containsExactly(at("::2", 2002));
    byte[] raw =
        send(
            at("::4", 1),
            TrackerCodec.encode(announce(connect(at("::4", 1)), HASH, 2004, 5, Event.NONE, -1)));
    assertThat(raw).hasSize(20 + 2 * 18); // ::2 seeder and ::3 leecher
    assertThat(v6.seeders()).isEqualTo(2); // counts cover the whole swarm
    assertThat(v6.leechers()).isEqualTo(2);
  }

  @Test
  void anIpv4MappedSourceIsAnIpv4Peer() throws Exception {
    join(at("127.0.0.2", 1), 1002, 0);
    InetSocketAddress mapped = new InetSocketAddress("::ffff:127.0.0.3", 1);
    Announced a = join(mapped, 1003, 5);
    assertThat(a.peers()).containsExactly(at("127.0.0.2", 1002));
  }

  @Test
  void numWantDefaultsTo50AndIsCappedToOneDatagram() throws Exception {
    for (int i = 0; i < 250; i++) {
      join(at("127.0.1." + (i % 250 + 1), 1), 1000 + i, 0);
      join(at("fd00::" + Integer.toHexString(i + 1), 1), 1000 + i, 0);
    }
    InetSocketAddress me = at("127.0.0.2", 9);
    InetSocketAddress me6 = at("::2", 9);
    assertThat(((Announced) announce(me, HASH, 1, 5, Event.NONE, -1)).peers()).hasSize(50);
    assertThat(((Announced) announce(me, HASH, 1, 5, Event.NONE, 7)).peers()).hasSize(7);
    assertThat(((Announced) announce(me, HASH, 1, 5, Event.NONE, 0)).peers()).isEmpty();
    byte[] most =
        send(me, TrackerCodec.encode(announce(connect(me), HASH, 1, 5, Event.NONE, 100_000)));
    assertThat(most).hasSize(20 + 6 * 196).hasSizeLessThanOrEqualTo(TrackerCodec.MAX_REPLY);
    byte[] most6 =
        send(me6, TrackerCodec.encode(announce(connect(me6), HASH, 1, 5, Event.NONE, 100_000)));
    assertThat(most6).hasSize(20 + 18 * 65);
  }

  @Test
  void successiveAnnouncesSpreadOverTheSwarmAndNeverListTheAnnouncer() throws Exception {
    for (int i = 1; i <= 40; i++) {
      join(at("127.0.2." + i, 1), 6881, 100);
    }
    Set<InetSocketAddress> seen = new HashSet<>();
    for (int round = 0; round < 20; round++) {
      Announced a = (Announced) announce(at("127.0.2.1", 1), HASH, 6881, 100, Event.NONE, 10);
      assertThat(a.peers())
          .hasSize(10)
          .doesNotContain(at("127.0.2.1", 6881))
          .doesNotHaveDuplicates();
      seen.addAll(a.peers());
    }
    assertThat(seen).hasSize(39);
  }

  @Test
  void aSeederGetsOnlyLeechersAndLeftZeroCountsAsSeeder() throws Exception {
    join(at("127.0.0.2", 1), 6881, 0);
    join(at("127.0.0.3", 1), 6881, 0);
    Announced third = join(at("127.0.0.4", 1), 6881, 0);
    assertThat(third.peers()).isEmpty();
    assertThat(third.seeders()).isEqualTo(3);
    Announced leecher = join(at("127.0.0.5", 1), 6881, 1);
    assertThat(leecher.peers()).hasSize(3);
    assertThat(leecher.leechers()).isEqualTo(1);
    assertThat(join(at("127.0.0.2", 1), 6881, 0).peers()).containsExactly(at("127.0.0.5", 6881));
  }

  @Test
  void stoppedLeavesAndCompletedCountsOnce() throws Exception {
    InetSocketAddress p = at("127.0.0.2", 1);
    join(p, 6881, 100);
    announce(p, HASH, 6881, 0, Event.COMPLETED, -1);
    announce(p, HASH, 6881, 0, Event.COMPLETED, -1); // a retransmission
    Scraped s = scrape(p, List.of(HASH));
    assertThat(s.counts()).containsExactly(new ScrapeCounts(1, 1, 0));
    Announced stopped = (Announced) announce(p, HASH, 6881, 0, Event.STOPPED, -1);
    assertThat(stopped.peers()).isEmpty();
    assertThat(handler.totals()).isEqualTo(new SwarmStore.Totals(0, 0, 0));
    assertThat(join(at("127.0.0.3", 1), 6881, 5).peers()).isEmpty();
  }

  Scraped scrape(InetSocketAddress from, List<InfoHash> hashes) throws Exception {
    return (Scraped) call(from, TrackerCodec.encode(new Scrape(connect(from), 4, hashes)));
  }

  @Test
  void scrapeAnswersUpTo74HashesInOrder() throws Exception {
    join(at("127.0.0.2", 1), 6881, 0);
    join(at("127.0.0.3", 1), 6881, 10);
    InfoHash unknown = InfoHash.ofHex("ffffffffffffffffffffffffffffffffffffffff");
    assertThat(scrape(at("127.0.0.4", 1), List.of(unknown, HASH)).counts())
        .containsExactly(new ScrapeCounts(0, 0, 0), new ScrapeCounts(1, 0, 1));
    List<InfoHash> many = new ArrayList<>(Collections.nCopies(80, HASH));
    assertThat(scrape(at("127.0.0.4", 1), many).counts()).hasSize(74);
  }

  @Test
  void silentPeersExpireAfterTwiceTheInterval() throws Exception {
    join(at("127.0.0.2", 1), 6881, 0);
    join(at("127.0.0.3", 1), 6881, 0);
    now += Duration.ofSeconds(INTERVAL).toMillis();
    join(at("127.0.0.3", 1), 6881, 0); // renews one
    now += Duration.ofSeconds(INTERVAL).toMillis(); // the other has been silent 2 x interval
    handler.tick(now);
    assertThat(handler.totals()).isEqualTo(new SwarmStore.Totals(1, 1, 0));
    assertThat(join(at("127.0.0.4", 1), 6881, 9).peers()).containsExactly(at("127.0.0.3", 6881));
    now += Duration.ofSeconds(2L * INTERVAL).toMillis();
    handler.tick(now);
    assertThat(handler.totals()).isEqualTo(new SwarmStore.Totals(0, 0, 0));
  }

  @Test
  void aMassExpiryGoesInBoundedSlicesUntilNoneIsDue() throws Exception {
    int peers = 3 * TrackerHandler.EXPIRY_SLICE + 10;
    for (int i = 0; i < peers; i++) {
      join(at("127.1." + (i / 250) + "." + (i % 250 + 1), 1), 6881, i % 2);
    }
    assertThat(handler.totals().seeders() + handler.totals().leechers()).isEqualTo(peers);
    now += Duration.ofSeconds(2L * INTERVAL).toMillis();
    int slices = 0;
    int left = peers;
    while (handler.tick(now)) {
      slices++;
      SwarmStore.Totals t = handler.totals();
      int held = t.seeders() + t.leechers();
      assertThat(left - held).as("dropped by one slice").isBetween(1, TrackerHandler.EXPIRY_SLICE);
      left = held;
    }
    assertThat(slices).isEqualTo(4);
    assertThat(handler.totals()).isEqualTo(new SwarmStore.Totals(0, 0, 0));
  }

  @Test
  void portZeroAndMalformedAnnouncesWithAValidIdGetErrors() throws Exception {
    InetSocketAddress p = at("127.0.0.2", 1);
    assertThat(announce(p, HASH, 0, 0, Event.STARTED, -1)).isInstanceOf(Failure.class);
    byte[] shortAnnounce = ByteBuffer.allocate(60).putLong(connect(p)).putInt(1).putInt(8).array();
    assertThat(((Failure) call(p, shortAnnounce)).message()).isEqualTo("an announce is 98 bytes");
    assertThat(handler.totals().swarms()).isZero();
  }

  @Test
  void limitsOnSwarmsAndPeersAnswerWithAnErrorAndKeepServingKnownPeers() throws Exception {
    handler = handler(new SwarmLimits(2, 3, 3), 0);
    InfoHash other = InfoHash.ofHex("1111111111111111111111111111111111111111");
    InfoHash third = InfoHash.ofHex("2222222222222222222222222222222222222222");
    join(at("127.0.0.2", 1), 6881, 0);
    announce(at("127.0.0.2", 1), other, 6881, 0, Event.STARTED, -1);
    Reply r = announce(at("127.0.0.2", 1), third, 6881, 0, Event.STARTED, -1);
    assertThat(((Failure) r).message()).contains("full");
    join(at("127.0.0.3", 1), 6881, 5); // the third peer
    assertThat(((Failure) announce(at("127.0.0.4", 1), HASH, 6881, 5, Event.STARTED, -1)).message())
        .contains("full");
    assertThat(join(at("127.0.0.3", 1), 6881, 5).peers()).containsExactly(at("127.0.0.2", 6881));
  }

  @Test
  void oneAddressOrIpv6SubnetHoldsAtMostItsShareOfPeers() throws Exception {
    handler = handler(new SwarmLimits(100, 100, 2), 0);
    InfoHash other = InfoHash.ofHex("1111111111111111111111111111111111111111");
    join(at("127.0.0.2", 1), 1, 0);
    announce(at("127.0.0.2", 1), other, 2, 0, Event.STARTED, -1);
    Reply third = announce(at("127.0.0.2", 1), HASH, 3, 0, Event.STARTED, -1);
    assertThat(((Failure) third).message()).contains("this address has 2 peers");
    assertThat(join(at("127.0.0.3", 1), 3, 5).peers()).containsExactly(at("127.0.0.2", 1));
    join(at("2001:db8:0:1::1", 1), 1, 0);
    join(at("2001:db8:0:1::2", 1), 1, 0);
    assertThat(announce(at("2001:db8:0:1::3", 1), HASH, 1, 0, Event.STARTED, -1))
        .as("the same /64")
        .isInstanceOf(Failure.class);
    assertThat(join(at("2001:db8:0:2::1", 1), 1, 0)).isNotNull();
    // a peer that leaves makes room again
    announce(at("127.0.0.2", 1), other, 2, 0, Event.STOPPED, -1);
    assertThat(announce(at("127.0.0.2", 1), HASH, 3, 0, Event.STARTED, -1))
        .isInstanceOf(Announced.class);
  }

  @Test
  void eachAddressHasItsOwnRateLimit() throws Exception {
    handler = handler(new SwarmLimits(10, 10, 10), 5);
    byte[] c = TrackerCodec.encode(new Connect(1));
    for (int i = 0; i < 5; i++) {
      assertThat(send(at("127.0.0.2", 1), c)).isNotNull();
    }
    assertThat(send(at("127.0.0.2", 1), c)).isNull();
    assertThat(send(at("127.0.0.3", 1), c)).isNotNull();
  }
}
