package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Wraps a progress display and, at the end, prints one line of figures: bytes fetched (those a
 * resumed download already had are not counted), time and rate. Used by {@code get --stats}.
 */
final class TransferStats implements ProgressListener {
  private final ProgressListener inner;
  private final PrintWriter err;
  private final long startNanos = System.nanoTime();
  private long size;
  private long already;
  private long firstByteNanos = -1;

  TransferStats(ProgressListener inner, PrintWriter err) {
    this.inner = inner;
    this.err = err;
  }

  @Override
  public synchronized void started(String content, long size, long alreadyVerified) {
    this.size = size;
    this.already = alreadyVerified;
    inner.started(content, size, alreadyVerified);
  }

  @Override
  public synchronized void progress(long verifiedBytes, long totalBytes) {
    if (firstByteNanos < 0 && verifiedBytes > already) {
      firstByteNanos = System.nanoTime();
    }
    inner.progress(verifiedBytes, totalBytes);
  }

  @Override
  public synchronized void finished(Path file) {
    inner.finished(file);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    long fetched = size - already;
    err.printf(
        Locale.ROOT,
        "stats: size=%d fetched=%d resumed=%d seconds=%.3f rate_mb_s=%.1f first_piece_s=%.3f%n",
        size,
        fetched,
        already,
        seconds,
        fetched / 1e6 / Math.max(seconds, 1e-9),
        firstByteNanos < 0 ? seconds : (firstByteNanos - startNanos) / 1e9);
    err.flush();
  }
}
