package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.peershare.peer.download.PieceBoard.PieceRun;
import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One worker's reader against a fake provider: whole runs, misbehaving providers, the endgame. */
class RangeFetcherTest {
  private final byte[] data = random(5 * MIB + 77, 41);
  private final Manifest manifest = Manifest.of(data);
  private final PieceBoard board = new PieceBoard(manifest, new BitSet());
  private final Map<Integer, byte[]> written = new ConcurrentHashMap<>();
  private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Connections connections =
      new Connections(Duration.ofSeconds(5), Duration.ofMillis(300));
  private final PieceVerifier verifier =
      new PieceVerifier(
          manifest,
          new PieceVerifier.Sink() {
            @Override
            public boolean wanted(int piece) {
              return !board.allVerified(piece, piece + 1);
            }

            @Override
            public ByteBuffer verified(int piece, ByteBuffer d) {
              if (board.beginCommit(piece)) {
                byte[] b = new byte[d.remaining()];
                d.get(b);
                written.put(piece, b);
                board.commitDone(piece);
              }
              return d;
            }

            @Override
            public void rejected(int piece, ProviderConnection from) {}
          },
          fatal::add);
  private final LongAdder arrived = new LongAdder();
  private final RangeFetcher fetcher =
      new RangeFetcher(
          ContentName.of("f"),
          manifest,
          connections,
          board,
          verifier,
          ByteRateLimiter.unlimited(),
          arrived,
          PartFile.newPieceBuffer());
  private FakeContentServer server;

  RangeFetcherTest() {
    threads.execute(connections::watch);
  }

  @AfterEach
  void close() throws IOException {
    assertThat(fatal).as("the sink never fails here").isEmpty();
    connections.close();
    threads.shutdown();
    if (server != null) {
      server.close();
    }
  }

  private FakeContentServer server() throws IOException {
    server = new FakeContentServer("f", data);
    return server;
  }

  private byte[] bytesOf(int i) {
    int from = (int) manifest.pieceOffset(i);
    return Arrays.copyOfRange(data, from, from + manifest.pieceLength(i));
  }

  @Test
  void fetchesARunOverOneConnectionAndHandsOnEveryPieceWhole() throws Exception {
    FakeContentServer s = server();

    fetcher.fetch(s.provider("p"), new PieceRun(0, 6));

    assertThat(written).containsOnlyKeys(0, 1, 2, 3, 4, 5);
    for (int i = 0; i < 6; i++) {
      assertThat(written.get(i)).as("piece %d", i).isEqualTo(bytesOf(i));
    }
    assertThat(s.downloads)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.offset()).isZero();
              assertThat(d.length()).isEqualTo(data.length);
            });
    assertThat(arrived.sum()).isEqualTo(data.length);
    assertThat(connections.count()).isZero();
  }

  @Test
  void asksForTheRunsBytesOnly() throws Exception {
    FakeContentServer s = server();

    fetcher.fetch(s.provider("p"), new PieceRun(2, 2));

    assertThat(written).containsOnlyKeys(2, 3);
    assertThat(s.downloads)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.offset()).isEqualTo(2L * MIB);
              assertThat(d.length()).isEqualTo(2L * MIB);
            });
  }

  @Test
  void aProviderThatSendsMoreThanAskedFails() throws Exception {
    FakeContentServer s = server().extraBytes(10);

    ProviderFailure f =
        assertThrows(
            ProviderFailure.class, () -> fetcher.fetch(s.provider("p"), new PieceRun(0, 2)));

    assertThat(f.getMessage()).endsWith(" sent more bytes than were asked for");
    assertThat(written).containsOnlyKeys(0, 1); // what matched its hash is kept
  }

  @Test
  void aRefusalFailsWithTheProvidersAnswer() throws Exception {
    FakeContentServer s = server().answerError(ErrorCode.LIMIT);

    ProviderFailure f =
        assertThrows(
            ProviderFailure.class, () -> fetcher.fetch(s.provider("p"), new PieceRun(0, 2)));

    assertThat(f.getMessage()).contains(" refused the download: ").endsWith("told to fail");
    assertThat(written).isEmpty();
  }

  @Test
  void aShortAnswerFailsAndKeepsTheWholePiecesBeforeIt() throws Exception {
    FakeContentServer s = server().closeMidRange();

    ProviderFailure f =
        assertThrows(
            ProviderFailure.class, () -> fetcher.fetch(s.provider("p"), new PieceRun(0, 4)));

    assertThat(f.getMessage()).contains("closed the connection");
    assertThat(written).containsOnlyKeys(0, 1);
  }

  @Test
  void aWrongHashIsTheFailureNotTheConnectionItClosed() throws Exception {
    FakeContentServer s = server().corruptPiece(1);

    ProviderFailure f =
        assertThrows(
            ProviderFailure.class, () -> fetcher.fetch(s.provider("p"), new PieceRun(0, 6)));

    assertThat(f.getMessage()).endsWith(" sent piece 1 with a wrong hash");
    assertThat(written).containsKey(0).doesNotContainKey(1);
  }

  @Test
  void aProviderThatStopsSendingFailsAsStalled() throws Exception {
    FakeContentServer s = server().stallAfter(MIB + 10);

    ProviderFailure f =
        assertThrows(
            ProviderFailure.class, () -> fetcher.fetch(s.provider("p"), new PieceRun(0, 4)));

    assertThat(f.getMessage()).endsWith(" stopped sending");
    assertThat(written).containsOnlyKeys(0);
  }

  @Test
  void stopsOnceOthersHaveVerifiedTheRestOfItsRun() throws Exception {
    FakeContentServer s = server();
    for (int i = 1; i < 6; i++) {
      board.beginCommit(i);
      board.commitDone(i); // the endgame: another provider was faster with these
    }

    fetcher.fetch(s.provider("p"), new PieceRun(0, 6));

    assertThat(written).containsOnlyKeys(0);
    assertThat(arrived.sum()).isLessThan(data.length);
  }

  @Test
  void doesNotConnectForARunAlreadyVerified() throws Exception {
    FakeContentServer s = server();
    board.beginCommit(0);
    board.commitDone(0);

    fetcher.fetch(s.provider("p"), new PieceRun(0, 1));

    assertThat(s.connections).hasValue(0);
  }
}
