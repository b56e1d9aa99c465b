package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.peershare.peer.download.PieceBoard.PieceRun;
import io.peershare.protocol.Manifest;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class PieceBoardTest {
  private final Manifest manifest = Manifest.of(new byte[10 << 20]); // 10 pieces

  @Test
  void handsOutContiguousRunsAndSkipsVerifiedPieces() throws Exception {
    BitSet done = new BitSet();
    done.set(2);
    PieceBoard board = new PieceBoard(manifest, done);
    board.workerStarted();

    assertThat(board.take()).isEqualTo(new PieceRun(0, 2));
    assertThat(board.take()).isEqualTo(new PieceRun(3, 4));
    assertThat(board.verifiedBytes()).isEqualTo(1 << 20);
  }

  @Test
  void givesUnfinishedPiecesBackAndEndsWhenAllAreVerified() throws Exception {
    PieceBoard board = new PieceBoard(Manifest.of(new byte[(2 << 20) + 1]), new BitSet());
    board.workerStarted();
    PieceRun run = board.take();
    assertThat(run).isEqualTo(new PieceRun(0, 3));
    assertThat(board.beginCommit(0)).isTrue();
    board.commitDone(0);

    board.release(run);

    assertThat(board.take()).isEqualTo(new PieceRun(1, 2));
    for (int i = 1; i < 3; i++) {
      assertThat(board.beginCommit(i)).isTrue();
      board.commitDone(i);
    }
    assertThat(board.isDone()).isTrue();
    assertThat(board.take()).isNull();
  }

  @Test
  void letsASecondWorkerFetchAnInFlightPieceInTheEndgameAndTheFirstCopyWins() throws Exception {
    PieceBoard board = new PieceBoard(Manifest.of(new byte[1 << 20]), new BitSet());
    board.workerStarted();
    board.workerStarted();
    PieceRun first = board.take();
    PieceRun second = board.take();

    assertThat(second).isEqualTo(first);
    assertThat(board.beginCommit(0)).isTrue();
    assertThat(board.beginCommit(0)).isFalse();
    board.commitDone(0);
    assertThat(board.beginCommit(0)).isFalse();
    assertThat(board.isDone()).isTrue();
  }

  @Test
  void doesNotHandOutAnInFlightPieceThatIsAlreadyVerified() throws Exception {
    PieceBoard board = new PieceBoard(Manifest.of(new byte[2 << 20]), new BitSet());
    board.workerStarted();
    PieceRun slow = board.take();
    assertThat(slow).isEqualTo(new PieceRun(0, 2));
    assertThat(board.take()).isEqualTo(new PieceRun(0, 1)); // endgame
    assertThat(board.beginCommit(0)).isTrue();
    board.commitDone(0);
    board.release(new PieceRun(0, 1));

    assertThat(board.take()).isEqualTo(new PieceRun(1, 1));
  }

  @Test
  void aPieceBeingWrittenBehindIsNotFetchedAgainWhenItsRunIsGivenBack() throws Exception {
    PieceBoard board = new PieceBoard(manifest, new BitSet());
    board.workerStarted();
    PieceRun run = board.take();
    assertThat(run.first()).isZero();
    assertThat(board.beginCommit(0)).isTrue(); // verified, handed to the writer, not written yet

    board.release(run);

    assertThat(board.take().first()).as("piece 0 is being written").isEqualTo(1);
    assertThat(board.isDone()).isFalse();
  }

  @Test
  void aPieceWhoseWriteBehindFailedIsFetchedAgain() throws Exception {
    PieceBoard board = new PieceBoard(manifest, new BitSet());
    board.workerStarted();
    PieceRun run = board.take();
    assertThat(board.beginCommit(0)).isTrue();
    board.release(run);
    PieceRun rest = board.take();
    assertThat(rest.first()).isEqualTo(1);

    board.commitFailed(0);

    assertThat(board.take()).isEqualTo(new PieceRun(0, 1));
  }
}
