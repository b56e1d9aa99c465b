package io.peershare.protocol.bittorrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.protocol.bittorrent.TrackerMessage.Announce;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Connected;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.Failure;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every BEP 15 message against bytes written out by hand from the BEP's tables (offsets in the
 * comments), and the BEP 41 options clients append to announces.
 */
class TrackerCodecFixtureTest {
  private static final String HASH = "0123456789abcdef0123456789abcdef01234567";
  private static final String PEER_ID = "-TR3000-abcdefghijkl"; // 2d 54 52 33 30 30 30 2d 61..6c

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("[\\s_|]", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  // 0 protocol_id | 8 action 0 | 12 transaction_id
  static final String CONNECT = "0000041727101980 | 00000000 | cafebabe";

  // 0 connection_id | 8 action 1 | 12 transaction_id | 16 info_hash | 36 peer_id | 56 downloaded
  // | 64 left | 72 uploaded | 80 event 2 (started) | 84 ip 0 | 88 key | 92 num_want -1 | 96 port
  static final String ANNOUNCE =
      "1122334455667788 | 00000001 | 00000007 | "
          + HASH
          + " | 2d5452333030302d6162636465666768696a6b6c"
          + " | 0000000000000400 | 0000000002000000 | 0000000000000010"
          + " | 00000002 | 00000000 | 5eed5eed | ffffffff | 1ae1";

  static Announce announce(String urlData) {
    return new Announce(
        0x1122334455667788L,
        7,
        InfoHash.ofHex(HASH),
        PEER_ID,
        1024,
        32 << 20,
        16,
        Event.STARTED,
        0,
        0x5eed5eed,
        -1,
        6881,
        urlData);
  }

  @Test
  void connectRequest() throws Exception {
    assertThat(TrackerCodec.decodeRequest(bytes(CONNECT))).isEqualTo(new Connect(0xcafebabe));
    assertThat(hex(TrackerCodec.encode(new Connect(0xcafebabe)))).isEqualTo(hex(bytes(CONNECT)));
  }

  @Test
  void connectRequestWithMoreBytesIsStillAConnect() throws Exception {
    assertThat(TrackerCodec.decodeRequest(bytes(CONNECT + "00ff00ff")))
        .isEqualTo(new Connect(0xcafebabe));
  }

  @Test
  void connectWithoutTheProtocolIdIsRefused() {
    assertThatThrownBy(
            () -> TrackerCodec.decodeRequest(bytes("0000041727101981 00000000 cafebabe")))
        .isInstanceOf(TrackerProtocolException.class)
        .hasMessageContaining("protocol id");
  }

  @Test
  void connectReplyIsExactly16Bytes() throws Exception {
    // 0 action 0 | 4 transaction_id | 8 connection_id
    byte[] wire = bytes("00000000 | cafebabe | 8877665544332211");
    Connected c = new Connected(0xcafebabe, 0x8877665544332211L);
    assertThat(TrackerCodec.connected(0xcafebabe, 0x8877665544332211L)).isEqualTo(wire);
    assertThat(TrackerCodec.decodeReply(wire, 0, 16, false)).isEqualTo(c);
  }

  @Test
  void announceRequest() throws Exception {
    byte[] wire = bytes(ANNOUNCE);
    assertThat(wire).hasSize(98);
    assertThat(TrackerCodec.decodeRequest(wire)).isEqualTo(announce(""));
    assertThat(hex(TrackerCodec.encode(announce("")))).isEqualTo(hex(wire));
  }

  @Test
  void everyEventNumber() throws Exception {
    String head = ANNOUNCE.substring(0, ANNOUNCE.indexOf(" | 00000002 |"));
    String tail = ANNOUNCE.substring(ANNOUNCE.indexOf(" | 00000000 | 5eed"));
    for (Event e : Event.values()) {
      String wire = head + " | 0000000" + e.code() + tail;
      assertThat(((Announce) TrackerCodec.decodeRequest(bytes(wire))).event()).isEqualTo(e);
    }
    assertThatThrownBy(() -> TrackerCodec.decodeRequest(bytes(head + " | 00000004" + tail)))
        .hasMessage("unknown event 4");
  }

  @Test
  void announceShorterThan98BytesIsRefused() {
    byte[] wire = bytes(ANNOUNCE);
    assertThatThrownBy(() -> TrackerCodec.decodeRequest(wire, 0, 97))
        .hasMessage("an announce is 98 bytes");
  }

  @Test
  void announceWithBep41UrlData() throws Exception {
    // 98 URLData 0x02 | len 9 | "/announce" | URLData 0x02 | len 8 | "?key=abc" | NOP | End
    String options = "02 09 2f616e6e6f756e6365 | 02 08 3f6b65793d616263 | 01 | 00";
    assertThat(TrackerCodec.decodeRequest(bytes(ANNOUNCE + options)))
        .isEqualTo(announce("/announce?key=abc"));
  }

  @Test
  void bep41OptionsEndAtTheDatagramEndWithoutEndOfOptions() throws Exception {
    assertThat(TrackerCodec.decodeRequest(bytes(ANNOUNCE + "02 09 2f616e6e6f756e6365")))
        .isEqualTo(announce("/announce"));
  }

  @Test
  void unknownBep41OptionsAreSkippedByTheirLength() throws Exception {
    assertThat(
            TrackerCodec.decodeRequest(bytes(ANNOUNCE + "07 02 ffff | 02 01 2f | 00 | 02 01 78")))
        .isEqualTo(announce("/"));
  }

  @Test
  void aCutBep41OptionKeepsWhatCameBefore() throws Exception {
    assertThat(TrackerCodec.decodeRequest(bytes(ANNOUNCE + "02 01 2f | 02 09 2f61")))
        .isEqualTo(announce("/"));
    assertThat(TrackerCodec.decodeRequest(bytes(ANNOUNCE + "02"))).isEqualTo(announce(""));
  }

  @Test
  void longUrlDataIsEncodedIn255ByteOptions() throws Exception {
    String url = "/announce?" + "x".repeat(600);
    byte[] wire = TrackerCodec.encode(announce(url));
    assertThat(wire).hasSize(98 + url.length() + 3 * 2 + 1);
    assertThat(wire[98]).isEqualTo((byte) 2);
    assertThat(wire[99]).isEqualTo((byte) 255);
    assertThat(TrackerCodec.decodeRequest(wire)).isEqualTo(announce(url));
  }

  @Test
  void announceReplyIpv4Has6BytePeers() throws Exception {
    // 0 action 1 | 4 transaction_id | 8 interval 1800 | 12 leechers 3 | 16 seeders 2
    // | 20 7f000002 1ae1 (127.0.0.2:6881) | 26 0a000001 c8d5 (10.0.0.1:51413)
    byte[] wire =
        bytes("00000001 | 00000007 | 00000708 | 00000003 | 00000002 | 7f0000021ae1 | 0a000001c8d5");
    Announced a =
        new Announced(
            7,
            1800,
            3,
            2,
            List.of(
                new InetSocketAddress("127.0.0.2", 6881),
                new InetSocketAddress("10.0.0.1", 51413)));
    assertThat(TrackerCodec.encode(a)).isEqualTo(wire);
    assertThat(TrackerCodec.decodeReply(wire, 0, wire.length, false)).isEqualTo(a);
  }

  @Test
  void announceReplyIpv6Has18BytePeers() throws Exception {
    // peers: 2001:db8::1 port 6881, ::1 port 1
    byte[] wire =
        bytes(
            "00000001 | 00000009 | 00000708 | 00000001 | 00000000"
                + " | 20010db8000000000000000000000001 1ae1"
                + " | 00000000000000000000000000000001 0001");
    Announced a =
        new Announced(
            9,
            1800,
            1,
            0,
            List.of(new InetSocketAddress("2001:db8::1", 6881), new InetSocketAddress("::1", 1)));
    assertThat(TrackerCodec.encode(a)).isEqualTo(wire);
    assertThat(TrackerCodec.decodeReply(wire, 0, wire.length, true)).isEqualTo(a);
    // one 6-byte peer cannot be read as 18-byte ones (the converse cannot be told: 18 = 3 x 6)
    byte[] v4 = TrackerCodec.announced(9, 1800, 1, 0, bytes("7f0000021ae1"));
    assertThatThrownBy(() -> TrackerCodec.decodeReply(v4, 0, v4.length, true))
        .isInstanceOf(TrackerProtocolException.class);
  }

  @Test
  void maxPeersFitInOneReply() {
    assertThat(TrackerCodec.MAX_PEERS_V4).isEqualTo(196);
    assertThat(TrackerCodec.MAX_PEERS_V6).isEqualTo(65);
    assertThat(20 + 6 * TrackerCodec.MAX_PEERS_V4).isLessThanOrEqualTo(TrackerCodec.MAX_REPLY);
    assertThat(20 + 18 * TrackerCodec.MAX_PEERS_V6).isLessThanOrEqualTo(TrackerCodec.MAX_REPLY);
  }

  @Test
  void scrapeRequestAndReply() throws Exception {
    // 0 connection_id | 8 action 2 | 12 transaction_id | 16 info_hash | 36 info_hash
    String other = "ffeeddccbbaa99887766554433221100ffeeddcc";
    byte[] request = bytes("1122334455667788 | 00000002 | 0000002a | " + HASH + " | " + other);
    Scrape s =
        new Scrape(0x1122334455667788L, 42, List.of(InfoHash.ofHex(HASH), InfoHash.ofHex(other)));
    assertThat(TrackerCodec.decodeRequest(request)).isEqualTo(s);
    assertThat(TrackerCodec.encode(s)).isEqualTo(request);

    // 0 action 2 | 4 transaction_id | 8 seeders completed leechers | 20 the same for the second
    byte[] reply =
        bytes("00000002 | 0000002a | 00000001 00000005 00000002 | 00000000 00000000 00000000");
    Scraped r = new Scraped(42, List.of(new ScrapeCounts(1, 5, 2), new ScrapeCounts(0, 0, 0)));
    assertThat(TrackerCodec.encode(r)).isEqualTo(reply);
    assertThat(TrackerCodec.decodeReply(reply, 0, reply.length, false)).isEqualTo(r);
  }

  @Test
  void scrapeOf74HashesFillsAbout1500Bytes() throws Exception {
    List<InfoHash> hashes = Collections.nCopies(TrackerCodec.MAX_SCRAPE, InfoHash.ofHex(HASH));
    byte[] wire = TrackerCodec.encode(new Scrape(1, 2, hashes));
    assertThat(wire).hasSize(1496);
    assertThat(((Scrape) TrackerCodec.decodeRequest(wire)).infoHashes()).hasSize(74);
  }

  @Test
  void scrapeWithoutHashesOrWithACutHashIsRefused() {
    assertThatThrownBy(
            () -> TrackerCodec.decodeRequest(bytes("1122334455667788 00000002 00000001")))
        .hasMessageContaining("at least one info hash");
    assertThatThrownBy(
            () ->
                TrackerCodec.decodeRequest(
                    bytes("1122334455667788 00000002 00000001 " + HASH + "00")))
        .hasMessage("info hashes are 20 bytes each");
  }

  @Test
  void errorReply() throws Exception {
    // 0 action 3 | 4 transaction_id | 8 message
    byte[] wire = bytes("00000003 | 00000007 | 6e6f7065"); // "nope"
    assertThat(TrackerCodec.encode(new Failure(7, "nope"))).isEqualTo(wire);
    assertThat(TrackerCodec.decodeReply(wire, 0, wire.length, false))
        .isEqualTo(new Failure(7, "nope"));
  }

  @Test
  void errorReplyIsCutToTheLengthAsked() {
    assertThat(TrackerCodec.failure(7, "connection id expired", 16))
        .isEqualTo(bytes("00000003 00000007 636f6e6e65637469")); // "connecti"
    assertThat(TrackerCodec.failure(7, "x", 4)).isEqualTo(bytes("00000003 00000007"));
  }

  @Test
  void requestsShorterThan16BytesAndUnknownActionsAreRefused() {
    assertThatThrownBy(() -> TrackerCodec.decodeRequest(bytes("0000041727101980 00000000 cafe")))
        .hasMessage("a request is at least 16 bytes");
    assertThatThrownBy(
            () -> TrackerCodec.decodeRequest(bytes("1122334455667788 00000003 00000001")))
        .hasMessage("unknown action 3");
  }

  @Test
  void headerFieldsAreReadInPlace() {
    byte[] padded = bytes("ffff" + ANNOUNCE.replace(" ", "").replace("|", ""));
    assertThat(TrackerCodec.connectionId(padded, 2)).isEqualTo(0x1122334455667788L);
    assertThat(TrackerCodec.action(padded, 2)).isEqualTo(1);
    assertThat(TrackerCodec.transactionId(padded, 2)).isEqualTo(7);
  }

  @Test
  void infoHashPrintsAsHex() {
    assertThat(InfoHash.ofHex(HASH)).hasToString(HASH);
    assertThat(InfoHash.ofHex(HASH)).isEqualTo(InfoHash.of(bytes(HASH)));
    assertThat(InfoHash.ofHex(HASH).hashCode()).isEqualTo(InfoHash.of(bytes(HASH)).hashCode());
    assertThat(InfoHash.ofHex(HASH)).isNotEqualTo(InfoHash.ofHex(HASH.replace('7', '8')));
  }
}
