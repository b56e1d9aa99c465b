package io.peershare.peer.download;

import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.peershare.protocol.Manifest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The part file's two ways in: whole pieces by direct I/O, the rest through the page cache. */
class PartFileTest {
  private final byte[] data = random(3 * Manifest.PIECE_SIZE + 5000, 77); // a short last piece
  private final Manifest manifest = Manifest.of(data);
  @TempDir Path dir;

  private ByteBuffer piece(int i) {
    ByteBuffer b = PartFile.newPieceBuffer();
    b.put(data, (int) manifest.pieceOffset(i), manifest.pieceLength(i));
    return b.flip();
  }

  @Test
  void pieceBuffersStartOnAPageSoThatWholePiecesCanGoToTheDiskDirect() {
    ByteBuffer b = PartFile.newPieceBuffer();

    assertThat(b.isDirect()).isTrue();
    assertThat(b.capacity()).isEqualTo(Manifest.PIECE_SIZE);
    assertThat(b.alignmentOffset(0, PartFile.ALIGNMENT)).as("address off a page").isZero();
  }

  @Test
  void wholePiecesGoDirectTheShortLastOneThroughThePageCacheInAnyOrder() throws Exception {
    Path path = dir.resolve(".f.part");
    try (PartFile part = PartFile.open(path, data.length, false, true)) {
      assumeTrue(part.writesDirect(), "this file system takes no direct writes");
      assertThat(part.writesDirect(manifest.pieceOffset(3), piece(3))).isFalse();
      assertThat(part.writesDirect(manifest.pieceOffset(1), piece(1))).isTrue();
      assertThat(part.writesDirect(manifest.pieceOffset(1), ByteBuffer.wrap(new byte[1 << 20])))
          .as("a heap buffer")
          .isFalse();

      for (int i = 3; i >= 0; i--) {
        part.writePiece(manifest.pieceOffset(i), piece(i));
      }
      assertThat(part.writesDirect()).as("no write failed").isTrue();
    }

    assertThat(Files.readAllBytes(path)).isEqualTo(data);
  }

  @Test
  void aDirectWriteThatFailsGoesThroughThePageCacheAndSoDoAllAfterIt() throws Exception {
    Path path = dir.resolve(".f.part");
    try (PartFile part = PartFile.open(path, data.length, false, true)) {
      assumeTrue(part.writesDirect(), "this file system takes no direct writes");
      part.writePiece(0, piece(0));
      part.directChannel().close(); // the next direct write fails

      part.writePiece(manifest.pieceOffset(1), piece(1));

      assertThat(part.writesDirect()).isFalse();
      part.writePiece(manifest.pieceOffset(2), piece(2));
      part.writePiece(manifest.pieceOffset(3), piece(3));
    }

    assertThat(Files.readAllBytes(path)).isEqualTo(data);
  }

  @Test
  void onlyADownloadFlushedAtItsEndWritesDirectUnlessTheSwitchSaysOtherwise() throws Exception {
    String was = System.getProperty(PartFile.DIRECT_PROPERTY);
    try {
      System.clearProperty(PartFile.DIRECT_PROPERTY);
      assertThat(PartFile.wantsDirect(false)).as("a plain download").isFalse();
      assertThat(PartFile.wantsDirect(true)).as("--fsync").isTrue();
      System.setProperty(PartFile.DIRECT_PROPERTY, "true");
      assertThat(PartFile.wantsDirect(false)).isTrue();
      System.setProperty(PartFile.DIRECT_PROPERTY, "false");
      assertThat(PartFile.wantsDirect(true)).isFalse();
    } finally {
      if (was == null) {
        System.clearProperty(PartFile.DIRECT_PROPERTY);
      } else {
        System.setProperty(PartFile.DIRECT_PROPERTY, was);
      }
    }
  }

  @Test
  void aPartFileOpenedWithoutDirectWritesWritesEveryPieceThroughThePageCache() throws Exception {
    Path path = dir.resolve(".f.part");
    try (PartFile part = PartFile.open(path, data.length, false, false)) {
      assertThat(part.writesDirect()).isFalse();
      assertThat(part.writesDirect(manifest.pieceOffset(1), piece(1))).isFalse();
      for (int i = 0; i < 4; i++) {
        part.writePiece(manifest.pieceOffset(i), piece(i));
      }
    }

    assertThat(Files.readAllBytes(path)).isEqualTo(data);
  }
}
