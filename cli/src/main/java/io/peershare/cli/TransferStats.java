package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Wraps a progress display and, at the end, prints one line of figures. Used by {@code get
 * --stats}:
 *
 * <ul>
 *   <li>{@code fetched}: bytes received from providers in this run, as the downloader counted them
 *       off the wire (endgame duplicates and rejected pieces included);
 *   <li>{@code resumed}: verified bytes an earlier run left in the part file;
 *   <li>{@code rate_mb_s}: the bytes this run added to the file ({@code size - resumed}) per second
 *       (decimal MB), i.e. the useful rate, over the whole run (process start, locate and manifest
 *       included);
 *   <li>{@code transfer_mb_s}: the same bytes per second from {@link #started} (after locate and
 *       manifest) to the end: the figure to compare with a plain HTTP client, which has no
 *       start-up.
 * </ul>
 */
final class TransferStats implements ProgressListener {
  private final ProgressListener inner;
  private final PrintWriter err;
  private final long startNanos = System.nanoTime();
  private long size;
  private long already;
  private long fetched;
  private long firstByteNanos = -1;
  private long startedNanos = -1;

  TransferStats(ProgressListener inner, PrintWriter err) {
    this.inner = inner;
    this.err = err;
  }

  @Override
  public synchronized void started(ContentName content, long size, long alreadyVerified) {
    this.size = size;
    this.already = alreadyVerified;
    this.startedNanos = System.nanoTime();
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
  public synchronized void pieceRejected(int piece, Provider provider) {
    inner.pieceRejected(piece, provider);
  }

  @Override
  public synchronized void failed(Exception cause) {
    inner.failed(cause);
  }

  @Override
  public synchronized void received(long bytes) {
    fetched = bytes;
    inner.received(bytes);
  }

  @Override
  public synchronized void finished(Path file) {
    inner.finished(file);
    long end = System.nanoTime();
    double seconds = (end - startNanos) / 1e9;
    double transferSeconds = startedNanos < 0 ? seconds : (end - startedNanos) / 1e9;
    err.printf(
        Locale.ROOT,
        "stats: size=%d fetched=%d resumed=%d seconds=%.3f rate_mb_s=%.1f transfer_mb_s=%.1f"
            + " first_piece_s=%.3f%n",
        size,
        fetched,
        already,
        seconds,
        (size - already) / 1e6 / Math.max(seconds, 1e-9),
        (size - already) / 1e6 / Math.max(transferSeconds, 1e-9),
        firstByteNanos < 0 ? seconds : (firstByteNanos - startNanos) / 1e9);
    err.flush();
  }
}
