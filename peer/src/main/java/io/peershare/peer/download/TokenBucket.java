package io.peershare.peer.download;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A download rate cap shared by all workers of one download: a token bucket of bytes, refilled at
 * the rate, holding at most a small burst. Bytes are counted after they arrive; a worker then waits
 * out the debt, which throttles the sender through TCP flow control.
 */
final class TokenBucket {
  private static final long MIN_BURST = 64 << 10;

  private final long bytesPerSecond;
  private final long burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  TokenBucket(long bytesPerSecond, LongSupplier nanoTime) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burst = Math.max(MIN_BURST, bytesPerSecond / 10);
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** Takes {@code n} bytes' worth and returns how many nanoseconds to wait before going on. */
  synchronized long reserve(int n) {
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * (double) bytesPerSecond / 1e9);
    last = now;
    tokens -= n;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
  }

  /** Takes {@code n} bytes' worth, waiting as long as the rate demands. */
  void acquire(int n) throws InterruptedException {
    long wait = reserve(n);
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
