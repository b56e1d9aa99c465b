package io.peershare.peer.download;

import static io.peershare.peer.download.TestData.MIB;
import static io.peershare.testing.TestBytes.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Manifest;
import io.peershare.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file is written in the background, fails loudly, and never after close. */
class StateJournalTest {
  @TempDir Path dir;

  private final Manifest manifest = Manifest.of(random(48 * MIB, 5));
  private final PieceBoard board = new PieceBoard(manifest, new BitSet());

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicReference<IOException> failed = new AtomicReference<>();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  private StateJournal journal(Clock clock) throws Exception {
    DownloadTarget t = DownloadTarget.of(ContentName.of("f"), dir);
    return new StateJournal(
        t, manifest.digest(), manifest.size(), board, clock, threads, failed::set);
  }

  private void verify(StateJournal journal, int piece) {
    assertThat(board.beginCommit(piece)).isTrue();
    board.commitDone(piece);
    journal.pieceVerified();
  }

  private BitSet onDisk() throws IOException {
    return PartState.read(dir.resolve(".f.part.state")).map(PartState::verified).orElseThrow();
  }

  @Test
  void writesTheVerifiedPiecesInTheBackground() throws Exception {
    try (StateJournal journal = journal(Clock.systemUTC())) {
      for (int i = 0; i < StateJournal.BATCH; i++) {
        verify(journal, i);
      }

      await().until(() -> Files.exists(dir.resolve(".f.part.state")));
      await().until(() -> onDisk().cardinality() == StateJournal.BATCH);
    }
  }

  @Test
  void aFailedBackgroundWriteIsReportedToStopTheDownload() throws Exception {
    Files.createDirectories(dir.resolve(".f.part.state.tmp").resolve("in-the-way"));
    try (StateJournal journal = journal(TestClock.ticking(Duration.ofSeconds(1)))) {
      verify(journal, 0); // due at once: the clock moves a second per reading

      await().until(() -> failed.get() != null);
      assertThat(failed.get()).hasMessageContaining(".f.part.state.tmp");
    }
  }

  @Test
  void writesNothingAfterClose() throws Exception {
    StateJournal journal = journal(TestClock.ticking(Duration.ofSeconds(1)));
    journal.close();

    for (int i = 0; i < 2 * StateJournal.BATCH; i++) {
      verify(journal, i);
    }

    assertThat(dir.resolve(".f.part.state")).doesNotExist();
    journal.write(); // the explicit write still works: it is the one used as a download stops
    assertThat(onDisk().cardinality()).isEqualTo(2 * StateJournal.BATCH);
  }
}
