package io.peershare.protocol;

import static io.peershare.protocol.IndexFixtures.DIGEST;
import static io.peershare.protocol.IndexFixtures.DIGEST_HEX;
import static io.peershare.protocol.IndexFixtures.SONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peershare.protocol.TransferMessage.DownloadRequest;
import io.peershare.protocol.TransferMessage.ManifestRequest;
import io.peershare.protocol.TransferMessage.Request;
import io.peershare.protocol.TransferMessage.TransferError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The transfer protocol's bytes, against fixtures written out by hand from the spec. */
class TransferCodecTest {
  // D "song.mp3", digest, offset 1024, length 0 (to the end)
  static final String D_HEX = "44 01" + SONG + DIGEST_HEX + "0000000000000400 0000000000000000";
  static final DownloadRequest D = new DownloadRequest(ContentName.of("song.mp3"), DIGEST, 1024, 0);
  static final String M_HEX = "4d 01" + SONG + DIGEST_HEX;
  static final ManifestRequest M = new ManifestRequest(ContentName.of("song.mp3"), DIGEST);

  static final Digest H0 = Digest.of(Hex.repeat(0xaa, 32));
  static final Digest H1 = Digest.of(Hex.repeat(0xbb, 32));
  // M reply: size 1 MiB + 1, pieceSize 1 MiB, count 2, two hashes
  static final String MANIFEST_HEX =
      "4d 0000000000100001 00100000 00000002" + "aa".repeat(32) + "bb".repeat(32);
  static final Manifest MANIFEST = new Manifest(1_048_577, List.of(H0, H1));

  // E CONFLICT (9) "conflict"
  static final String ERROR_HEX = "45 0009 08 636f6e666c696374";

  static InputStream stream(String hex) {
    return new ByteArrayInputStream(Hex.bytes(hex));
  }

  static ErrorCode rejection(ThrowingCall call) {
    try {
      Object o = call.run();
      throw new AssertionError("accepted: " + o);
    } catch (ProtocolException e) {
      return e.code();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  interface ThrowingCall {
    Object run() throws ProtocolException, IOException;
  }

  // ---- fixtures ----

  @Test
  void downloadRequestFixture() throws Exception {
    assertThat(Hex.hex(TransferCodec.encode(D))).isEqualTo(Hex.hex(Hex.bytes(D_HEX)));
    assertThat(TransferCodec.decodeRequest(Hex.bytes(D_HEX))).isEqualTo(D);
    assertThat(TransferCodec.readRequest(stream(D_HEX))).isEqualTo(D);
  }

  @Test
  void manifestRequestFixture() throws Exception {
    assertThat(Hex.hex(TransferCodec.encode(M))).isEqualTo(Hex.hex(Hex.bytes(M_HEX)));
    assertThat(TransferCodec.decodeRequest(Hex.bytes(M_HEX))).isEqualTo(M);
    assertThat(TransferCodec.readRequest(stream(M_HEX))).isEqualTo(M);
  }

  @Test
  void manifestReplyFixture() throws Exception {
    assertThat(Hex.hex(TransferCodec.encodeManifest(MANIFEST)))
        .isEqualTo(Hex.hex(Hex.bytes(MANIFEST_HEX)));
    InputStream in = stream(MANIFEST_HEX);
    assertThat(TransferCodec.readAnswerType(in)).isEqualTo('M');
    assertThat(TransferCodec.readManifest(in, 1_048_577)).isEqualTo(MANIFEST);
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void emptyManifestReplyFixture() throws Exception {
    String hex = "4d 0000000000000000 00100000 00000000";
    Manifest empty = Manifest.of(new byte[0]);
    assertThat(TransferCodec.encodeManifest(empty)).isEqualTo(Hex.bytes(hex));
    InputStream in = stream(hex);
    in.skip(1);
    assertThat(TransferCodec.readManifest(in, 0)).isEqualTo(empty);
  }

  @Test
  void errorFixture() throws Exception {
    assertThat(TransferCodec.encodeError(ErrorCode.CONFLICT, "conflict"))
        .isEqualTo(Hex.bytes(ERROR_HEX));
    InputStream in = stream(ERROR_HEX);
    assertThat(TransferCodec.readAnswerType(in)).isEqualTo('E');
    assertThat(TransferCodec.readError(in))
        .isEqualTo(new TransferError(ErrorCode.CONFLICT, "conflict"));
  }

  @Test
  void frameFixtures() throws Exception {
    assertThat(TransferCodec.frameHeader(4096)).isEqualTo(Hex.bytes("43 00001000"));
    assertThat(TransferCodec.frameHeader(0)).isEqualTo(Hex.bytes("43 00000000"));
    assertThat(TransferCodec.frameHeader(16 << 20)).isEqualTo(Hex.bytes("43 01000000"));
    InputStream in = stream("43 00001000 43 01000000 43 00000000");
    for (int n : new int[] {4096, 16 << 20, 0}) {
      assertThat(TransferCodec.readAnswerType(in)).isEqualTo('C');
      assertThat(TransferCodec.readFrameLength(in)).isEqualTo(n);
    }
    assertThatThrownBy(() -> TransferCodec.frameHeader((16 << 20) + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TransferCodec.frameHeader(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- round trips ----

  @Test
  void requestsRoundTrip() throws Exception {
    Random rnd = new Random(42);
    List<Request> fixed =
        List.of(
            new DownloadRequest(
                ContentName.of("c".repeat(255)), DIGEST, Long.MAX_VALUE, Long.MAX_VALUE),
            new DownloadRequest(
                ContentName.of("\u65e5\u672c" + Character.toString(0x1F600)), DIGEST, 0, 0),
            new ManifestRequest(ContentName.of("\u20ac".repeat(85)), Digest.sha256(new byte[0])));
    for (Request r : fixed) {
      byte[] wire = TransferCodec.encode(r);
      assertThat(wire.length).isLessThanOrEqualTo(TransferCodec.MAX_REQUEST);
      assertThat(TransferCodec.decodeRequest(wire)).isEqualTo(r);
      assertThat(TransferCodec.readRequest(new ByteArrayInputStream(wire))).isEqualTo(r);
    }
    for (int i = 0; i < 2000; i++) {
      byte[] d = new byte[32];
      rnd.nextBytes(d);
      String name = IndexCodecRoundTripTest.content(rnd);
      Request r =
          rnd.nextBoolean()
              ? new ManifestRequest(ContentName.of(name), Digest.of(d))
              : new DownloadRequest(
                  ContentName.of(name),
                  Digest.of(d),
                  rnd.nextLong() & Long.MAX_VALUE,
                  rnd.nextLong() >>> 1);
      byte[] wire = TransferCodec.encode(r);
      assertThat(TransferCodec.decodeRequest(wire)).as("seed 42, #%d", i).isEqualTo(r);
      // readRequest stops at the end of the request: what follows stays in the stream
      InputStream in = new ByteArrayInputStream(Hex.concat(wire, Hex.bytes("99")));
      assertThat(TransferCodec.readRequest(in)).isEqualTo(r);
      assertThat(in.read()).isEqualTo(0x99);
    }
  }

  @Test
  void manifestsRoundTrip() throws Exception {
    for (long size : new long[] {0, 1, Manifest.PIECE_SIZE, Manifest.PIECE_SIZE + 1, 5L << 20}) {
      Digest[] hashes = new Digest[Manifest.pieceCount(size)];
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = Digest.sha256(new byte[] {(byte) i});
      }
      Manifest m = new Manifest(size, List.of(hashes));
      InputStream in = new ByteArrayInputStream(TransferCodec.encodeManifest(m));
      assertThat(TransferCodec.readAnswerType(in)).isEqualTo('M');
      assertThat(TransferCodec.readManifest(in, size)).isEqualTo(m);
    }
  }

  @Test
  void errorsRoundTrip() throws Exception {
    for (ErrorCode c : ErrorCode.values()) {
      for (String msg : List.of("", "x", "\u00e9t\u00e9 " + Character.toString(0x1F600))) {
        InputStream in = new ByteArrayInputStream(TransferCodec.encodeError(c, msg));
        assertThat(TransferCodec.readAnswerType(in)).isEqualTo('E');
        assertThat(TransferCodec.readError(in)).isEqualTo(new TransferError(c, msg));
      }
    }
  }

  // ---- rejections ----

  @Test
  void everyTruncatedRequestIsMalformed() {
    for (String hex : List.of(D_HEX, M_HEX)) {
      byte[] whole = Hex.bytes(hex);
      for (int n = 0; n < whole.length; n++) {
        byte[] cut = Arrays.copyOf(whole, n);
        assertThat(rejection(() -> TransferCodec.decodeRequest(cut)))
            .as("%d bytes", n)
            .isEqualTo(ErrorCode.MALFORMED);
        assertThat(rejection(() -> TransferCodec.readRequest(new ByteArrayInputStream(cut))))
            .as("%d bytes", n)
            .isEqualTo(ErrorCode.MALFORMED);
      }
    }
  }

  @Test
  void trailingBytesAfterARequestAreMalformed() {
    for (String hex : List.of(D_HEX, M_HEX)) {
      assertThat(rejection(() -> TransferCodec.decodeRequest(Hex.bytes(hex + "00"))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "02", "ff"})
  void otherVersionsAreUnsupportedVersion(String version) {
    for (String hex : List.of(D_HEX, M_HEX)) {
      String h = hex.substring(0, 3) + version + hex.substring(5);
      assertThat(rejection(() -> TransferCodec.decodeRequest(Hex.bytes(h))))
          .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
      assertThat(rejection(() -> TransferCodec.readRequest(stream(h))))
          .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"43", "45", "48", "52", "64", "6d", "00", "ff"})
  void unknownRequestTypesAreUnsupported(String type) {
    String h = type + M_HEX.substring(2);
    assertThat(rejection(() -> TransferCodec.decodeRequest(Hex.bytes(h))))
        .isEqualTo(ErrorCode.UNSUPPORTED);
    assertThat(rejection(() -> TransferCodec.readRequest(stream(h))))
        .isEqualTo(ErrorCode.UNSUPPORTED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00",
        "01 2e",
        "02 2e2e",
        "02 2061",
        "03 612f62",
        "02 615c",
        "01 7f",
        "02 c0af",
        "03 eda080",
        "02 c328"
      })
  void badContentNamesInRequestsAreMalformed(String str) {
    for (String h :
        List.of("4d 01" + str + DIGEST_HEX, "44 01" + str + DIGEST_HEX + "00".repeat(16))) {
      assertThat(rejection(() -> TransferCodec.decodeRequest(Hex.bytes(h))))
          .as(h)
          .isEqualTo(ErrorCode.MALFORMED);
      assertThat(rejection(() -> TransferCodec.readRequest(stream(h))))
          .as(h)
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void offsetsAndLengthsFrom2To63AreMalformed() {
    for (String tail :
        List.of("8000000000000000 0000000000000000", "0000000000000000 ffffffffffffffff")) {
      String h = "44 01" + SONG + DIGEST_HEX + tail;
      assertThat(rejection(() -> TransferCodec.decodeRequest(Hex.bytes(h))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void manifestMismatchesAreMalformed() {
    String hashes = "aa".repeat(32) + "bb".repeat(32);
    // size other than expected
    assertThat(rejection(() -> TransferCodec.readManifest(stream(MANIFEST_HEX.substring(3)), 5)))
        .isEqualTo(ErrorCode.MALFORMED);
    // piece size other than 1 MiB
    assertThat(
            rejection(
                () ->
                    TransferCodec.readManifest(
                        stream("0000000000100001 00080000 00000002" + hashes), 1_048_577)))
        .isEqualTo(ErrorCode.MALFORMED);
    // count that does not fit the size
    for (String count : List.of("00000001", "00000003", "00000000", "ffffffff")) {
      assertThat(
              rejection(
                  () ->
                      TransferCodec.readManifest(
                          stream("0000000000100001 00100000" + count + hashes), 1_048_577)))
          .isEqualTo(ErrorCode.MALFORMED);
    }
    // every truncation
    byte[] whole = Hex.bytes(MANIFEST_HEX.substring(3));
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      assertThat(
              rejection(() -> TransferCodec.readManifest(new ByteArrayInputStream(cut), 1_048_577)))
          .as("%d bytes", n)
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void manifestSizesNearLongMaxDoNotOverflowThePieceCount() {
    // (size + 1 MiB - 1) / 1 MiB overflows here; the count must still be refused cleanly
    for (long size : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 5, 1L << 59, 1L << 51}) {
      for (String count : List.of("00000001", "00000000", "7fffffff", "ffffffff")) {
        String h = "%016x 00100000 %s".formatted(size, count) + "aa".repeat(32);
        assertThat(rejection(() -> TransferCodec.readManifest(stream(h), size)))
            .as("size %d count %s", size, count)
            .isEqualTo(ErrorCode.MALFORMED);
      }
    }
  }

  @Test
  void errorRejections() {
    for (String code : List.of("0000", "000c", "ffff")) {
      assertThat(rejection(() -> TransferCodec.readError(stream(code + "00"))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
    assertThat(rejection(() -> TransferCodec.readError(stream("0001 02 c328"))))
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(rejection(() -> TransferCodec.readError(stream("0001 03 eda080"))))
        .isEqualTo(ErrorCode.MALFORMED);
    byte[] whole = Hex.bytes(ERROR_HEX.substring(3));
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      assertThat(rejection(() -> TransferCodec.readError(new ByteArrayInputStream(cut))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void frameLengthOver16MibIsMalformed() {
    for (String n : List.of("01000001", "7fffffff", "80000000", "ffffffff")) {
      assertThat(rejection(() -> TransferCodec.readFrameLength(stream(n))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
    for (String cut : List.of("", "01", "0100", "010000")) {
      assertThat(rejection(() -> TransferCodec.readFrameLength(stream(cut))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  @Test
  void unknownAnswerTypeIsMalformed() {
    for (String t : List.of("44", "00", "63", "ff", "")) {
      assertThat(rejection(() -> TransferCodec.readAnswerType(stream(t))))
          .isEqualTo(ErrorCode.MALFORMED);
    }
  }

  // ---- a declared length never drives an allocation ----

  @Test
  void hugeManifestCountIsRefusedBeforeReadingHashes() throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream(Hex.bytes("000000000000000a 00100000 ffffffff" + "aa".repeat(64)));
    long before = allocatedBytes();
    assertThat(rejection(() -> TransferCodec.readManifest(in, 10))).isEqualTo(ErrorCode.MALFORMED);
    assertThat(allocatedBytes() - before).isLessThan(256 * 1024);
    assertThat(in.available()).as("only the 16-byte head was read").isEqualTo(64);
  }

  @Test
  void aManifestCutShortAllocatesForWhatArrivedOnly() {
    // 1 TiB: 1,048,576 hashes declared (32 MiB), 3 sent
    long size = 1L << 40;
    byte[] wire = Hex.bytes("%016x 00100000 00100000".formatted(size) + "cc".repeat(96));
    long before = allocatedBytes();
    assertThat(rejection(() -> TransferCodec.readManifest(new ByteArrayInputStream(wire), size)))
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(allocatedBytes() - before).isLessThan(1024 * 1024);
  }

  @Test
  void aRequestWithA255ByteNameCutShortFailsCleanly() {
    byte[] wire = Hex.bytes("44 01 ff" + "61".repeat(100));
    long before = allocatedBytes();
    assertThat(rejection(() -> TransferCodec.readRequest(new ByteArrayInputStream(wire))))
        .isEqualTo(ErrorCode.MALFORMED);
    assertThat(allocatedBytes() - before).isLessThan(256 * 1024);
    // and in full it is fine: 255 bytes is a legal content name length
    byte[] full = Hex.bytes("44 01 ff" + "61".repeat(255) + DIGEST_HEX + "00".repeat(16));
    assertThat(rejection(() -> TransferCodec.decodeRequest(Hex.concat(full, Hex.bytes("00")))))
        .isEqualTo(ErrorCode.MALFORMED);
  }

  @Test
  void readFrameLengthNeverReadsPastItsFourBytes() throws Exception {
    InputStream in = stream("ffffffff 00000010");
    assertThat(rejection(() -> TransferCodec.readFrameLength(in))).isEqualTo(ErrorCode.MALFORMED);
    assertThat(TransferCodec.readFrameLength(in)).isEqualTo(16);
  }

  private static long allocatedBytes() {
    var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return mx.getCurrentThreadAllocatedBytes();
  }
}
