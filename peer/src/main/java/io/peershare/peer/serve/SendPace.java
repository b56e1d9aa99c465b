package io.peershare.peer.serve;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Sizes each zero-copy {@code transferTo} of one answer from the pace its reader has shown.
 *
 * <p>On the platform threads that serve connections the socket blocks, so a {@code sendfile} call
 * returns only once all its bytes are in the socket, and the connection shows progress to the idle
 * timer only between calls. A call must therefore be small enough to finish well within the idle
 * timeout at the reader's pace: {@value #SMALLEST} bytes, as before, until the reader has proven a
 * faster one. Larger calls cost the sender less CPU per byte (fewer {@code sendfile} set-ups, fewer
 * wake-ups while the socket drains): on loopback, where a reader takes a gigabyte a second, every
 * call after the first few MiB of an answer is {@value #LARGEST} bytes.
 *
 * <p>The proven pace is what has left the socket buffers: the bytes sent so far less {@link
 * #SLACK}, which the sender's and the reader's buffers can take in without the reader reading, over
 * the time since the first call. A call is at most what the reader moves at that pace in an eighth
 * of the idle timeout, so a reader whose pace then falls eightfold still shows progress in time. A
 * reader that nearly stops after a fast start (below {@value #LARGEST} bytes per idle timeout, 35
 * KB/s with the default 30 s) is closed by the idle timer, as a stalled one is; a downloader
 * resumes such a transfer elsewhere or later.
 */
final class SendPace {
  /** The call size until the reader has shown its pace: the fixed size used before. */
  static final int SMALLEST = 256 << 10;

  /** The largest call: one whole frame of {@link RangeSender#FRAME} bytes. */
  static final int LARGEST = 1 << 20;

  /** Bytes the socket buffers (ours and the reader's) can hold that the reader has not read. */
  static final long SLACK = 8L << 20;

  /** Call sizes are multiples of this (whole pages of the file). */
  private static final int STEP = 64 << 10;

  private final long budgetNanos;
  private final LongSupplier nanoTime;
  private long start;
  private long sent;
  private boolean started;

  /**
   * @param idleTimeout how long a connection may show no progress before it is closed
   * @param nanoTime the clock ({@link System#nanoTime} outside tests)
   */
  SendPace(Duration idleTimeout, LongSupplier nanoTime) {
    this.budgetNanos = Math.max(1, idleTimeout.toNanos() / 8);
    this.nanoTime = nanoTime;
  }

  /** The size of the next call, at most {@code left}. */
  int next(long left) {
    long now = nanoTime.getAsLong();
    if (!started) {
      started = true;
      start = now;
    }
    long size = SMALLEST;
    long drained = sent - SLACK;
    long elapsed = now - start;
    if (drained > 0 && elapsed > 0) {
      // bytes the reader moves in the budget at its proven pace; doubles keep large paces exact
      double budget = (double) drained * budgetNanos / elapsed;
      size = budget >= LARGEST ? LARGEST : Math.max(SMALLEST, (long) budget / STEP * STEP);
    }
    return (int) Math.min(size, left);
  }

  /** Records that a call moved {@code n} bytes. */
  void sent(long n) {
    sent += n;
  }
}
