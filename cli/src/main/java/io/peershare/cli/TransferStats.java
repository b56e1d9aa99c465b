package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import java.io.PrintWriter;
import java.nio.file.Path;

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
    // built by hand, not by printf: a Formatter's first use runs cold in the interpreter, 6-10 ms
    // of every `get --stats` after its download (docs/benchmarks.md, "Transfers", twelfth look,
    // sources and the ends of a get); the same line as "%d ... %.3f ... %.1f" gave, but for a last
    // digit at an exact tie (below)
    StringBuilder line = new StringBuilder(160);
    line.append("stats: size=").append(size);
    line.append(" fetched=").append(fetched);
    line.append(" resumed=").append(already);
    fixed(line.append(" seconds="), seconds, 3);
    fixed(line.append(" rate_mb_s="), (size - already) / 1e6 / Math.max(seconds, 1e-9), 1);
    fixed(
        line.append(" transfer_mb_s="),
        (size - already) / 1e6 / Math.max(transferSeconds, 1e-9),
        1);
    fixed(
        line.append(" first_piece_s="),
        firstByteNanos < 0 ? seconds : (firstByteNanos - startNanos) / 1e9,
        3);
    err.println(line);
    err.flush();
  }

  /**
   * Appends {@code v} (not negative) with exactly {@code decimals} (1 to 3) digits after the point,
   * rounded half up, as {@code %.Nf} of {@link java.util.Formatter} writes it, except where {@code
   * v} is a tie in its shortest decimal form that the binary product {@code v * 10^decimals} misses
   * (0.5005 gives 0.500 here, 0.501 there): one in the last digit of a benchmark's figure.
   */
  static StringBuilder fixed(StringBuilder b, double v, int decimals) {
    long scale = decimals == 1 ? 10 : decimals == 2 ? 100 : 1000;
    long n = Math.round(v * scale);
    String fraction = Long.toString(n % scale);
    b.append(n / scale).append('.');
    for (int i = fraction.length(); i < decimals; i++) {
      b.append('0');
    }
    return b.append(fraction);
  }
}
