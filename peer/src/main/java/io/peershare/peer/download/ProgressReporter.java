package io.peershare.peer.download;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import java.nio.file.Path;
import java.time.Clock;

/**
 * How a download session speaks to its {@link ProgressListener}: one call at a time, whichever
 * thread makes it, and progress at most every {@value #INTERVAL_MILLIS} ms, always for the last
 * piece, and never going backwards; the bytes received at most once.
 */
final class ProgressReporter {
  static final long INTERVAL_MILLIS = 100;

  private final ProgressListener listener;
  private final long total;
  private final Clock clock;
  private long lastReport = Long.MIN_VALUE;
  private long reported = -1;
  private boolean receivedSaid;

  ProgressReporter(ProgressListener listener, long total, Clock clock) {
    this.listener = listener;
    this.total = total;
    this.clock = clock;
  }

  synchronized void started(ContentName content, long alreadyVerified) {
    listener.started(content, total, alreadyVerified);
  }

  synchronized void verified(long verifiedBytes) {
    if (verifiedBytes <= reported) {
      return; // pieces are written out of order: never report going backwards
    }
    long now = clock.millis();
    if (verifiedBytes >= total
        || lastReport == Long.MIN_VALUE
        || now - lastReport >= INTERVAL_MILLIS) {
      lastReport = now;
      reported = verifiedBytes;
      listener.progress(verifiedBytes, total);
    }
  }

  synchronized void rejected(int piece, Provider from) {
    listener.pieceRejected(piece, from);
  }

  /**
   * The bytes this run received, said once as the transfer ends; a second call (the move into place
   * failing after the transfer ended) is dropped.
   */
  synchronized void received(long bytes) {
    if (!receivedSaid) {
      receivedSaid = true;
      listener.received(bytes);
    }
  }

  /** The file is in place: all of it verified. */
  synchronized void finished(Path file) {
    listener.progress(total, total);
    listener.finished(file);
  }
}
