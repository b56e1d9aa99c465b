package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Content identity, checked against SHA-256 computed here with MessageDigest directly. */
class ManifestTest {
  private static final int MIB = 1 << 20;

  /** The spec's digest, computed independently: SHA-256 of the concatenated piece hashes. */
  static byte[] expectedDigest(byte[] data) throws Exception {
    MessageDigest outer = MessageDigest.getInstance("SHA-256");
    for (int off = 0; off < data.length; off += MIB) {
      MessageDigest piece = MessageDigest.getInstance("SHA-256");
      piece.update(data, off, Math.min(MIB, data.length - off));
      outer.update(piece.digest());
    }
    return outer.digest();
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void emptyFileHasNoPiecesAndTheDigestOfNothing() throws Exception {
    Manifest m = Manifest.of(new byte[0]);
    assertThat(m.size()).isZero();
    assertThat(m.pieceCount()).isZero();
    assertThat(m.digest().toHex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(m.digest().toBytes())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
  }

  @Test
  void exactlyOneMibIsOnePiece() throws Exception {
    byte[] d = data(MIB, 1);
    Manifest m = Manifest.of(d);
    assertThat(m.pieceCount()).isEqualTo(1);
    byte[] pieceHash = MessageDigest.getInstance("SHA-256").digest(d);
    assertThat(m.pieceHash(0).toBytes()).isEqualTo(pieceHash);
    assertThat(m.digest().toBytes())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(pieceHash))
        .isNotEqualTo(pieceHash);
    assertThat(m.pieceLength(0)).isEqualTo(MIB);
  }

  @Test
  void oneMibPlusOneIsTwoPiecesTheLastOfOneByte() throws Exception {
    byte[] d = data(MIB + 1, 2);
    Manifest m = Manifest.of(d);
    assertThat(m.pieceCount()).isEqualTo(2);
    assertThat(m.pieceHash(1).toBytes())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(new byte[] {d[MIB]}));
    assertThat(m.pieceLength(1)).isEqualTo(1);
    assertThat(m.pieceOffset(1)).isEqualTo(MIB);
    assertThat(m.digest().toBytes()).isEqualTo(expectedDigest(d));
  }

  @Test
  void multiPieceDigestMatchesAnIndependentComputation() throws Exception {
    byte[] d = data(3 * MIB + 12345, 3);
    Manifest m = Manifest.of(d);
    assertThat(m.pieceCount()).isEqualTo(4);
    assertThat(m.size()).isEqualTo(d.length);
    for (int i = 0; i < 4; i++) {
      byte[] piece =
          Arrays.copyOfRange(d, (int) m.pieceOffset(i), (int) m.pieceOffset(i) + m.pieceLength(i));
      assertThat(m.pieceHash(i).toBytes())
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(piece));
    }
    assertThat(m.pieceLength(3)).isEqualTo(12345);
    assertThat(m.digest().toBytes()).isEqualTo(expectedDigest(d));
    // a one-byte change changes the digest
    d[2 * MIB + 7] ^= 1;
    assertThat(Manifest.of(d).digest()).isNotEqualTo(m.digest());
    assertThat(Manifest.of(d).pieceHash(0)).isEqualTo(m.pieceHash(0));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB, 2 * MIB + 333})
  void fileAndMemoryAndChunkedHasherAgree(int n, @TempDir Path dir) throws Exception {
    byte[] d = data(n, n);
    Path file = dir.resolve("f");
    Files.write(file, d);
    Manifest fromBytes = Manifest.of(d);
    assertThat(Manifest.of(file)).isEqualTo(fromBytes);
    assertThat(fromBytes.digest().toBytes()).isEqualTo(expectedDigest(d));

    int[] chunks = {1, 7, 4093, MIB - 1, 65536, 3, MIB + 17};
    for (boolean direct : new boolean[] {false, true}) {
      PieceHasher h = new PieceHasher();
      int off = 0;
      for (int i = 0; off < n; i++) {
        int len = Math.min(chunks[i % chunks.length], n - off);
        ByteBuffer buf;
        if (direct) {
          buf = ByteBuffer.allocateDirect(len + 10);
          buf.position(5);
          buf.put(d, off, len);
          buf.flip().position(5);
        } else {
          // a slice of a larger array, position not 0
          byte[] around = new byte[len + 4];
          System.arraycopy(d, off, around, 2, len);
          buf = ByteBuffer.wrap(around, 2, len);
        }
        h.update(buf);
        assertThat(buf.hasRemaining()).isFalse();
        off += len;
        assertThat(h.size()).isEqualTo(off);
      }
      assertThat(h.finish()).as("direct=%s", direct).isEqualTo(fromBytes);
    }
  }

  @Test
  void equalManifestsHaveEqualDigests() {
    Manifest a = Manifest.of("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Manifest b = new Manifest(5, List.of(a.pieceHash(0)));
    assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(b.digest()).isEqualTo(a.digest());
    assertThat(new Manifest(6, List.of(a.pieceHash(0)))).isNotEqualTo(a);
  }

  @Test
  void constructorRefusesAPieceCountThatDoesNotFitTheSize() {
    Digest h = Digest.sha256(new byte[] {1});
    assertThatThrownBy(() -> new Manifest(0, List.of(h)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Manifest(MIB + 1, List.of(h)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Manifest(-1, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Manifest(Long.MAX_VALUE, List.of(h)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pieceCountAtTheEdges() {
    assertThat(Manifest.pieceCount(0)).isZero();
    assertThat(Manifest.pieceCount(1)).isEqualTo(1);
    assertThat(Manifest.pieceCount(MIB)).isEqualTo(1);
    assertThat(Manifest.pieceCount(MIB + 1L)).isEqualTo(2);
    assertThat(Manifest.pieceCount((long) Integer.MAX_VALUE * MIB)).isEqualTo(Integer.MAX_VALUE);
    // used to overflow: (Long.MAX_VALUE + 1 MiB - 1) / 1 MiB came out as 1
    assertThatThrownBy(() -> Manifest.pieceCount(Long.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Manifest.pieceCount((long) Integer.MAX_VALUE * MIB + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodedManifestCarriesTheHashesInOrder() throws Exception {
    byte[] d = data(2 * MIB + 1, 9);
    Manifest m = Manifest.of(d);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(Hex.bytes("4d 0000000000200001 00100000 00000003"));
    for (Digest h : m.pieceHashes()) {
      expected.write(h.toBytes());
    }
    assertThat(TransferCodec.encodeManifest(m)).isEqualTo(expected.toByteArray());
  }
}
