package io.peershare.cli;

import io.peershare.peer.download.ProgressListener;
import io.peershare.protocol.ContentName;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * A one-line progress display: bytes, percentage, rate and ETA. Shown only once a transfer has
 * taken half a second, so quick ones print nothing; redrawn at most ten times a second.
 */
final class ProgressBar implements ProgressListener {
  private static final long SHOW_AFTER_NANOS = 500_000_000L;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final IntSupplier width;
  private long start;
  private long startBytes;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(PrintWriter out, IntSupplier width) {
    this.out = out;
    this.width = width;
  }

  @Override
  public synchronized void started(ContentName content, long size, long alreadyVerified) {
    start = System.nanoTime();
    startBytes = alreadyVerified;
    if (alreadyVerified > 0) {
      out.printf(
          "Resuming: %s of %s already verified.%n", Text.size(alreadyVerified), Text.size(size));
      out.flush();
    }
  }

  @Override
  public synchronized void progress(long verified, long total) {
    long now = System.nanoTime();
    if (now - start < SHOW_AFTER_NANOS || (now - lastDraw < REDRAW_NANOS && verified < total)) {
      return;
    }
    lastDraw = now;
    double seconds = (now - start) / 1e9;
    double rate = seconds > 0 ? (verified - startBytes) / seconds : 0;
    String eta = rate > 0 ? Text.duration((long) ((total - verified) / rate)) : "--:--";
    int pct = total == 0 ? 100 : (int) (verified * 100 / total);
    String text =
        String.format(
            " %3d%% %s / %s  %s  ETA %s",
            pct, Text.size(verified), Text.size(total), Text.rate(rate), eta);
    int barWidth = Math.max(10, Math.min(40, width.getAsInt() - text.length() - 3));
    int filled = (int) ((long) barWidth * pct / 100);
    out.print("\r[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "]" + text);
    out.flush();
    drawn = true;
  }

  @Override
  public synchronized void finished(Path file) {
    endLine();
  }

  /** A failed download's message starts on a line of its own, not after the bar. */
  @Override
  public synchronized void failed(Exception cause) {
    endLine();
  }

  private void endLine() {
    if (drawn) {
      out.println();
      out.flush();
      drawn = false;
    }
  }
}
