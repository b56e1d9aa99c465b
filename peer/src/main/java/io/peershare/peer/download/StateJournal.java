package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import java.io.IOException;
import java.time.Clock;

/**
 * Keeps the {@code .part.state} file up to date without writing it for every piece: it is written
 * after {@value #BATCH} newly verified pieces or {@value #INTERVAL_MILLIS} ms, whichever comes
 * first, and whenever the download stops. A crash loses at most the pieces verified since the last
 * write; they are fetched again on resume.
 */
final class StateJournal {
  static final int BATCH = 8;
  static final long INTERVAL_MILLIS = 250;

  private final DownloadTarget target;
  private final Digest digest;
  private final long size;
  private final PieceBoard board;
  private final Clock clock;
  private int unwritten;
  private long lastWrite;

  StateJournal(DownloadTarget target, Digest digest, long size, PieceBoard board, Clock clock) {
    this.target = target;
    this.digest = digest;
    this.size = size;
    this.board = board;
    this.clock = clock;
    this.lastWrite = clock.millis();
  }

  /** One more piece is verified and written. */
  synchronized void pieceVerified() throws IOException {
    unwritten++;
    if (unwritten >= BATCH || clock.millis() - lastWrite >= INTERVAL_MILLIS) {
      write();
    }
  }

  /** Writes the state now. */
  synchronized void write() throws IOException {
    new PartState(digest, size, board.verifiedSnapshot()).write(target.state(), target.stateTemp());
    unwritten = 0;
    lastWrite = clock.millis();
  }

  /**
   * Writes the state as the download stops, even from an interrupted thread (whose interrupt would
   * otherwise close the file channel under the write); failures are only logged by the caller.
   */
  void writeOnStop() throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      write();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
