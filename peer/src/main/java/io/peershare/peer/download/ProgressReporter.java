package io.peershare.peer.download;

import java.time.Clock;

/**
 * Passes progress on to the listener at most every {@value #INTERVAL_MILLIS} ms, and always for the
 * last piece, one call at a time.
 */
final class ProgressReporter {
  static final long INTERVAL_MILLIS = 100;

  private final ProgressListener listener;
  private final long total;
  private final Clock clock;
  private long lastReport = Long.MIN_VALUE;
  private long reported = -1;

  ProgressReporter(ProgressListener listener, long total, Clock clock) {
    this.listener = listener;
    this.total = total;
    this.clock = clock;
  }

  synchronized void verified(long verifiedBytes) {
    if (verifiedBytes <= reported) {
      return; // workers finish out of order: never report going backwards
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
}
