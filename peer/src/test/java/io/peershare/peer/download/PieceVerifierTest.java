package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hashing stage, on the reader's thread: what reaches the sink, what is rejected, and what a
 * failing disk does.
 */
class PieceVerifierTest {
  private final byte[] data = random(3 * MIB + 5, 31);
  private final Manifest manifest = Manifest.of(data);
  private final FakeContentServer server = new FakeContentServer("f", data);
  private final Connections connections =
      new Connections(Duration.ofSeconds(5), Duration.ofHours(1));
  private final Sink sink = new Sink();
  private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
  private final PieceVerifier verifier = new PieceVerifier(manifest, sink, fatal::add);

  PieceVerifierTest() throws IOException {}

  @AfterEach
  void close() throws Exception {
    connections.close();
    server.close();
  }

  /** Records what reaches it; fails on the pieces in {@code failOn}. */
  private static final class Sink implements PieceVerifier.Sink {
    final Map<Integer, byte[]> written = new ConcurrentHashMap<>();
    final List<Integer> rejected = new CopyOnWriteArrayList<>();
    final Set<Integer> unwanted = ConcurrentHashMap.newKeySet();
    final Set<Integer> failOn = ConcurrentHashMap.newKeySet();

    @Override
    public boolean wanted(int piece) {
      return !unwanted.contains(piece);
    }

    @Override
    public ByteBuffer verified(int piece, ByteBuffer data) throws IOException {
      if (failOn.contains(piece)) {
        throw new IOException("No space left on device");
      }
      byte[] b = new byte[data.remaining()];
      data.get(b);
      written.put(piece, b);
      return data;
    }

    @Override
    public void rejected(int piece, ProviderConnection from) {
      rejected.add(piece);
    }
  }

  /** Piece {@code i} as a reader leaves it: a direct buffer from 0 to the piece's length. */
  private ByteBuffer piece(int i) {
    ByteBuffer b = ByteBuffer.allocateDirect(Manifest.PIECE_SIZE);
    b.put(data, (int) manifest.pieceOffset(i), manifest.pieceLength(i));
    return b.flip();
  }

  private byte[] bytesOf(int i) {
    int from = (int) manifest.pieceOffset(i);
    return Arrays.copyOfRange(data, from, from + manifest.pieceLength(i));
  }

  @Test
  void matchingPiecesReachTheSinkWhole() throws Exception {
    ProviderConnection c = connections.open(server.provider("p"));

    for (int i = 0; i < 4; i++) {
      verifier.settle(i, piece(i), c);
    }

    assertThat(c.rejection()).isNull();
    assertThat(sink.written).containsOnlyKeys(0, 1, 2, 3);
    for (int i = 0; i < 4; i++) {
      assertThat(sink.written.get(i)).isEqualTo(bytesOf(i));
    }
    assertThat(fatal).isEmpty();
  }

  @Test
  void aWrongHashRejectsTheConnectionWhileItsOtherPiecesStillCount() throws Exception {
    ProviderConnection c = connections.open(server.provider("p"));
    ByteBuffer bad = piece(1);
    bad.put(7, (byte) (bad.get(7) ^ 0x5a));

    verifier.settle(0, piece(0), c);
    verifier.settle(1, bad, c);
    verifier.settle(2, piece(2), c);

    ProviderFailure rejection = c.rejection();
    assertThat(rejection.getMessage()).endsWith(") sent piece 1 with a wrong hash");
    assertThat(sink.written).containsOnlyKeys(0, 2);
    assertThat(sink.rejected).containsExactly(1);
    // the connection is closed, and its reader learns why
    ProviderFailure onRead =
        assertThrows(ProviderFailure.class, () -> c.read(ByteBuffer.allocate(1)));
    assertThat(onRead).isSameAs(rejection);
    assertThat(fatal).isEmpty();
  }

  @Test
  void aFailingSinkEndsTheDownloadAndLaterPiecesSettleUnhashed() throws Exception {
    ProviderConnection c = connections.open(server.provider("p"));
    sink.failOn.add(0);

    verifier.settle(0, piece(0), c);
    assertThat(c.rejection()).isNull(); // the disk failed, not the provider
    verifier.settle(1, piece(1), c);
    assertThat(c.rejection()).isNull();

    assertThat(fatal)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessage("No space left on device"));
    assertThat(sink.written).isEmpty();
  }

  @Test
  void afterSkipRestPiecesSettleWithoutReachingTheSink() throws Exception {
    ProviderConnection c = connections.open(server.provider("p"));

    verifier.skipRest();
    verifier.settle(0, piece(0), c);

    assertThat(c.rejection()).isNull();
    assertThat(sink.written).isEmpty();
  }

  @Test
  void aPieceNoLongerWantedIsNotEvenHashed() throws Exception {
    ProviderConnection c = connections.open(server.provider("p"));
    sink.unwanted.add(0);
    ByteBuffer bad = piece(0);
    bad.put(7, (byte) (bad.get(7) ^ 0x5a));

    verifier.settle(0, bad, c);

    assertThat(c.rejection()).isNull(); // another provider's copy is in: this one is not judged
    assertThat(sink.written).isEmpty();
    assertThat(sink.rejected).isEmpty();
  }
}
