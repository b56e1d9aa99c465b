package io.peershare.protocol;

import static io.peershare.protocol.IndexFixtures.ALICE;
import static io.peershare.protocol.IndexFixtures.COOKIE_HEX;
import static io.peershare.protocol.IndexFixtures.DIGEST_HEX;
import static io.peershare.protocol.IndexFixtures.ID_HEX;
import static io.peershare.protocol.IndexFixtures.SONG;
import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.protocol.IndexFixtures.Fixture;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every malformed shape of an index datagram is refused with the spec's error code. */
class IndexCodecRejectTest {

  static List<Fixture> fixtures() {
    return IndexFixtures.all();
  }

  static ErrorCode rejection(byte[] datagram) {
    try {
      IndexMessage m = IndexCodec.decode(datagram);
      throw new AssertionError("decoded " + Hex.hex(datagram) + " as " + m);
    } catch (ProtocolException e) {
      return e.code();
    }
  }

  static ErrorCode rejection(String hex) {
    return rejection(Hex.bytes(hex));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void everyTruncationIsMalformed(Fixture f) {
    byte[] whole = f.bytes();
    for (int n = 0; n < whole.length; n++) {
      assertThat(rejection(Arrays.copyOf(whole, n)))
          .as("first %d bytes", n)
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void trailingBytesAreMalformed(Fixture f) {
    assertThat(rejection(Hex.concat(f.bytes(), new byte[1]))).isEqualTo(ErrorCode.MALFORMED);
    assertThat(rejection(Hex.concat(f.bytes(), Hex.bytes("ffffffff"))))
        .isEqualTo(ErrorCode.MALFORMED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void otherVersionsAreUnsupportedVersion(Fixture f) {
    for (int v : new int[] {0, 2, 0x7f, 0xff}) {
      byte[] b = f.bytes();
      b[1] = (byte) v;
      assertThat(rejection(b)).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }
  }

  @Test
  void versionIsCheckedBeforeTypeAndBody() {
    assertThat(rejection("5a 02 00000001")).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    assertThat(rejection("52 00 00000001 ff")).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 'Z', 'h', 'r', 'C', 'D', 'M', 'X', 0x7f, 0x80, 0xc8, 0xff})
  void unknownTypesAreUnsupported(int type) {
    byte[] b = Hex.bytes("00 01 00000001 1122334455667788");
    b[0] = (byte) type;
    assertThat(rejection(b)).isEqualTo(ErrorCode.UNSUPPORTED);
    // also when the datagram is only a header
    assertThat(rejection(Arrays.copyOf(b, 6))).isEqualTo(ErrorCode.UNSUPPORTED);
  }

  @Test
  void datagramsUnderSixBytesAreMalformed() {
    assertThat(rejection("")).isEqualTo(ErrorCode.MALFORMED);
    assertThat(rejection("48 02 000000")).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void aDatagramOver1200BytesIsRefusedEvenWhenItsBodyIsWellFormed() throws ProtocolException {
    // L, more 0: count 5 entries; 4 of 255-byte names (266 bytes each) and one of 117 or 118
    String big = "ff" + "61".repeat(255) + " 0001 0000000000000001";
    String head = "4c 01 00000001 00 05" + big.repeat(4);
    byte[] fits = Hex.bytes(head + "75" + "62".repeat(117) + "0001 0000000000000001");
    byte[] over = Hex.bytes(head + "76" + "62".repeat(118) + "0001 0000000000000001");
    assertThat(fits).hasSize(1200);
    assertThat(over).hasSize(1201);
    assertThat(IndexCodec.decode(fits)).isInstanceOf(IndexMessage.Listing.class);
    assertThat(rejection(over)).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void tcpPortZeroIsMalformed() {
    assertThat(
            rejection(
                "52 01"
                    + ID_HEX
                    + COOKIE_HEX
                    + ALICE
                    + SONG
                    + "0000 0000000000000001"
                    + DIGEST_HEX))
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(
            rejection(
                "50 01"
                    + ID_HEX
                    + "0000000000000001"
                    + DIGEST_HEX
                    + "01"
                    + ALICE
                    + "04 7f000001 0000"))
        .isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void sizesFrom2To63AreOutOfRange() {
    // sizes are u64 on the wire; Java holds them in a long, so 2^63 and up are refused
    assertThat(
            rejection(
                "52 01"
                    + ID_HEX
                    + COOKIE_HEX
                    + ALICE
                    + SONG
                    + "0001 8000000000000000"
                    + DIGEST_HEX))
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(rejection("50 01" + ID_HEX + "ffffffffffffffff" + DIGEST_HEX + "00"))
        .isEqualTo(ErrorCode.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 17, 0xff})
  void locateMaxOutside1To16IsMalformed(int max) {
    String s = "53 01" + ID_HEX + COOKIE_HEX + ALICE + SONG + "%02x".formatted(max);
    assertThat(rejection(s)).isEqualTo(ErrorCode.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16})
  void locateMaxAtTheBoundsIsAccepted(int max) throws ProtocolException {
    String s = "53 01" + ID_HEX + COOKIE_HEX + ALICE + SONG + "%02x".formatted(max);
    assertThat(((IndexMessage.Locate) IndexCodec.decode(Hex.bytes(s))).max()).isEqualTo(max);
  }

  @ParameterizedTest
  @ValueSource(strings = {"02", "ff"})
  void listingMoreOtherThan0Or1IsMalformed(String more) {
    assertThat(rejection("4c 01" + ID_HEX + more + "00")).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void listingCountBeyondTheEntriesIsMalformed() {
    assertThat(rejection("4c 01" + ID_HEX + "00 02" + SONG + "0001 0000000000000001"))
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(rejection("4c 01" + ID_HEX + "00 ff")).isEqualTo(ErrorCode.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "05", "01", "ff"})
  void providerFamilyOtherThan4Or6IsMalformed(String family) {
    String s =
        "50 01"
            + ID_HEX
            + "0000000000000001"
            + DIGEST_HEX
            + "01"
            + ALICE
            + family
            + "7f000001 1f90";
    assertThat(rejection(s)).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void providerFamilyMustMatchAddressLength() {
    String ipv6 = "20010db8000000000000000000000001";
    String head = "50 01" + ID_HEX + "0000000000000001" + DIGEST_HEX + "01" + ALICE;
    assertThat(rejection(head + "04" + ipv6 + "1f90")).isEqualTo(ErrorCode.MALFORMED);
    assertThat(rejection(head + "06 7f000001 1f90")).isEqualTo(ErrorCode.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0000", "000c", "00ff", "0100", "ffff"})
  void unknownErrorCodesAreMalformed(String code) {
    assertThat(rejection("45 01" + ID_HEX + code + "00")).isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void everyDefinedErrorCodeDecodes() throws ProtocolException {
    for (ErrorCode c : ErrorCode.values()) {
      IndexMessage m = IndexCodec.decode(Hex.bytes("45 01 00000001 %04x 00".formatted(c.code())));
      assertThat(((IndexMessage.ErrorReply) m).code()).isEqualTo(c);
    }
  }

  /** Byte strings that are not UTF-8 under RFC 3629. */
  static List<String> badUtf8() {
    return List.of(
        "c0af", // overlong '/'
        "c080", // overlong NUL (Java's "modified UTF-8")
        "c1bf", // overlong
        "e080af", // overlong, 3 bytes
        "f08080af", // overlong, 4 bytes
        "eda080", // U+D800 encoded (surrogate)
        "edbfbf", // U+DFFF encoded
        "eda0bdedb880", // a surrogate pair encoded as two 3-byte forms (CESU-8)
        "c328", // invalid continuation
        "e228a1", // invalid continuation, 3 bytes
        "f0289f98", // invalid continuation, 4 bytes
        "80", // lone continuation
        "61bf", // lone continuation after ASCII
        "e282", // cut short inside the str
        "f4908080", // above U+10FFFF
        "f5808080", // never a lead byte
        "fe",
        "ff");
  }

  @ParameterizedTest
  @MethodSource("badUtf8")
  void badUtf8IsMalformedInEveryStr(String bad) {
    String str = "%02x%s".formatted(bad.length() / 2, bad);
    String nameLike = "%02x61%s62".formatted(bad.length() / 2 + 2, bad); // a<bad>b
    List<String> datagrams =
        List.of(
            "52 01" + ID_HEX + COOKIE_HEX + nameLike + SONG + "1f90 0000000000000001" + DIGEST_HEX,
            "52 01" + ID_HEX + COOKIE_HEX + ALICE + nameLike + "1f90 0000000000000001" + DIGEST_HEX,
            "54 01" + ID_HEX + COOKIE_HEX + ALICE + nameLike,
            "51 01" + ID_HEX + COOKIE_HEX + str,
            "4f 01" + ID_HEX + COOKIE_HEX + str + "00",
            "4f 01" + ID_HEX + COOKIE_HEX + "00" + str,
            "53 01" + ID_HEX + COOKIE_HEX + ALICE + nameLike + "01",
            "4c 01" + ID_HEX + "00 01" + nameLike + "0001 0000000000000001",
            "45 01" + ID_HEX + "0001" + str);
    for (String d : datagrams) {
      assertThat(rejection(d)).as(d).isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void validMultiByteUtf8IsAccepted() throws ProtocolException {
    // U+0080, U+07FF, U+0800, U+FFFD, U+10000, U+10FFFF: the edges of each form
    String text = "c280 dfbf e0a080 efbfbd f0908080 f48fbfbf".replace(" ", "");
    byte[] d = Hex.bytes("45 01 00000001 0001 %02x %s".formatted(text.length() / 2, text));
    IndexMessage.ErrorReply e = (IndexMessage.ErrorReply) IndexCodec.decode(d);
    assertThat(e.message())
        .isEqualTo("\u0080\u07ff\u0800\ufffd" + Character.toString(0x10000) + "\udbff\udfff");
  }

  /** Peer names the spec forbids, as the bytes of the str body. */
  static List<String> badPeerNames() {
    return List.of(
        "", // empty
        "61".repeat(33), // 33 bytes
        "e282ac".repeat(11), // 11 x U+20AC = 33 bytes
        "6100", // NUL
        "6101",
        "611f",
        "0a",
        "617f", // DEL
        "612f62", // '/'
        "615c62" // '\'
        );
  }

  @ParameterizedTest
  @MethodSource("badPeerNames")
  void badPeerNamesAreMalformedWhereverAPeerNameGoes(String name) {
    String peer = "%02x%s".formatted(name.length() / 2, name);
    List<String> datagrams =
        List.of(
            "52 01" + ID_HEX + COOKIE_HEX + peer + SONG + "1f90 0000000000000001" + DIGEST_HEX,
            "54 01" + ID_HEX + COOKIE_HEX + peer + SONG,
            "51 01" + ID_HEX + COOKIE_HEX + peer,
            "4b 01" + ID_HEX + COOKIE_HEX + peer,
            "53 01" + ID_HEX + COOKIE_HEX + peer + SONG + "01",
            "50 01" + ID_HEX + "0000000000000001" + DIGEST_HEX + "01" + peer + "04 7f000001 0050");
    for (String d : datagrams) {
      assertThat(rejection(d)).as(d).isEqualTo(ErrorCode.MALFORMED);
    }
  }

  /** Content names the spec forbids, as the bytes of the str body. */
  static List<String> badContentNames() {
    return List.of(
        "", // empty
        "2e", // "."
        "2e2e", // ".."
        "2061", // leading space
        "6120", // trailing space
        "20", // only a space
        "6100",
        "611f",
        "617f",
        "612f62",
        "615c62",
        "2e2e2f6574632f706173737764"); // "../etc/passwd"
  }

  @ParameterizedTest
  @MethodSource("badContentNames")
  void badContentNamesAreMalformedWhereverAContentNameGoes(String name) {
    String content = "%02x%s".formatted(name.length() / 2, name);
    List<String> datagrams =
        List.of(
            "52 01" + ID_HEX + COOKIE_HEX + ALICE + content + "1f90 0000000000000001" + DIGEST_HEX,
            "54 01" + ID_HEX + COOKIE_HEX + ALICE + content,
            "53 01" + ID_HEX + COOKIE_HEX + ALICE + content + "01",
            "4c 01" + ID_HEX + "00 01" + content + "0001 0000000000000001");
    for (String d : datagrams) {
      assertThat(rejection(d)).as(d).isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void namesAtTheirLimitsAreAccepted() throws ProtocolException {
    String peer32 = "20" + "c3a9".repeat(15) + "7e"; // leading space, 15 x é, '~': 32 bytes
    String content255 = "2e" + "e282ac".repeat(84) + "2e"; // "." 84 x € ".": 254 bytes
    String content = "%02x%s".formatted(content255.length() / 2, content255);
    byte[] d = Hex.bytes("54 01" + ID_HEX + COOKIE_HEX + "20" + peer32 + content);
    IndexMessage.Deregister t = (IndexMessage.Deregister) IndexCodec.decode(d);
    assertThat(t.peer().toString()).startsWith(" ").endsWith("~");
    assertThat(t.content().toString()).startsWith(".").endsWith(".").contains("\u20ac");
    String max = "ff" + "61".repeat(255);
    assertThat(IndexCodec.decode(Hex.bytes("54 01" + ID_HEX + COOKIE_HEX + ALICE + max)))
        .isInstanceOf(IndexMessage.Deregister.class);
    // names beyond U+007F that look like controls (C1, U+0085) are not controls to the spec
    assertThat(IndexCodec.decode(Hex.bytes("51 01" + ID_HEX + COOKIE_HEX + "02 c285")))
        .isEqualTo(
            new IndexMessage.Quit(IndexFixtures.ID, IndexFixtures.COOKIE, PeerName.of("\u0085")));
  }

  @Test
  void listAfterAndFilterFollowNoNameRules() throws ProtocolException {
    // "." and a string with a slash and a control character: any valid UTF-8 is fine there
    byte[] d = Hex.bytes("4f 01" + ID_HEX + COOKIE_HEX + "01 2e 03 2f0a20");
    assertThat(IndexCodec.decode(d))
        .isEqualTo(
            new IndexMessage.ListRequest(IndexFixtures.ID, IndexFixtures.COOKIE, ".", "/\n "));
  }

  @Test
  void strLengthBeyondTheDatagramIsMalformed() {
    assertThat(rejection("51 01" + ID_HEX + COOKIE_HEX + "ff 616263"))
        .isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void hexHelperIsSane() {
    assertThat(HexFormat.of().formatHex(Hex.bytes("0a 0B_0c"))).isEqualTo("0a0b0c");
  }
}
