package io.peershare.peer.rate;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A token bucket shared by all connections of one side (uploads, or downloads): {@link #acquire}
 * blocks until the bytes fit in the rate.
 *
 * <p>It works by reservation: each caller, in the order it enters, books the next free slice of
 * time its bytes cost and then waits until that slice has passed. Callers are so served first come,
 * first served (fair across threads), and a large request delays those after it rather than
 * starving. Time left unused is saved as credit for at most {@link #BURST_NANOS}, so an idle link
 * may send a short burst but never more than a fraction of a second's worth.
 */
public final class ByteRateLimiter {
  /** Unused time kept as credit: 100 ms of the rate. */
  static final long BURST_NANOS = 100_000_000L;

  private static final ByteRateLimiter UNLIMITED = new ByteRateLimiter(0);

  /** How a caller waits; tests replace it with one that moves a fake clock. */
  @FunctionalInterface
  interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long nextFreeNanos; // guarded by this
  private boolean started; // guarded by this

  /**
   * @param bytesPerSecond the rate; 0 means unlimited
   */
  public ByteRateLimiter(long bytesPerSecond) {
    this(bytesPerSecond, System::nanoTime, ByteRateLimiter::park);
  }

  ByteRateLimiter(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("a rate cannot be negative: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  public static ByteRateLimiter unlimited() {
    return UNLIMITED;
  }

  /** Bytes per second; 0 when unlimited. */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  public boolean isUnlimited() {
    return bytesPerSecond == 0;
  }

  /** Blocks until {@code bytes} more bytes may pass. */
  public void acquire(long bytes) throws InterruptedException {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative byte count: " + bytes);
    }
    if (bytesPerSecond == 0 || bytes == 0) {
      return;
    }
    long wait = reserve(bytes);
    if (wait > 0) {
      sleeper.sleepNanos(wait);
    }
  }

  /** Books the time {@code bytes} cost and returns how long the caller must wait for it. */
  synchronized long reserve(long bytes) {
    long now = nanoTime.getAsLong();
    if (!started || nextFreeNanos - now < -BURST_NANOS) {
      nextFreeNanos = now - BURST_NANOS; // idle time beyond the burst is lost
      started = true;
    }
    nextFreeNanos += costNanos(bytes);
    return nextFreeNanos - now;
  }

  private long costNanos(long bytes) {
    double nanos = Math.ceil(bytes * 1e9 / bytesPerSecond);
    return nanos >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) nanos;
  }

  private static void park(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  @Override
  public String toString() {
    return bytesPerSecond == 0 ? "unlimited" : ByteRate.format(bytesPerSecond);
  }
}
