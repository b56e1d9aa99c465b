package io.peershare.peer.download;

import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where verified pieces go: written once to the part file (the first verified copy wins, a later
 * one is dropped), then counted on the board, in the state journal and in the progress.
 */
final class PieceCommitter implements RangeFetcher.PieceSink {
  private final Manifest manifest;
  private final PieceBoard board;
  private final PartFile part;
  private final StateJournal journal;
  private final ProgressReporter progress;

  PieceCommitter(
      Manifest manifest,
      PieceBoard board,
      PartFile part,
      StateJournal journal,
      ProgressReporter progress) {
    this.manifest = manifest;
    this.board = board;
    this.part = part;
    this.journal = journal;
    this.progress = progress;
  }

  @Override
  public void verified(int piece, ByteBuffer data) throws IOException {
    if (!board.beginCommit(piece)) {
      return; // another provider's copy is already in
    }
    long verifiedBytes;
    try {
      part.write(manifest.pieceOffset(piece), data);
    } catch (IOException | RuntimeException e) {
      board.commitFailed(piece);
      throw e;
    }
    verifiedBytes = board.commitDone(piece);
    journal.pieceVerified();
    progress.verified(verifiedBytes);
  }
}
