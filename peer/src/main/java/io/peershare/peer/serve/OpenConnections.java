package io.peershare.peer.serve;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a content server has open, across all its ports: the cap on how many, and the
 * idle timer. A connection must show progress (its request read, then bytes of its answer written)
 * at least once per idle timeout, or a reaper closes its channel, which also wakes a thread blocked
 * reading from or writing to it. This covers both a client that never finishes its request and one
 * that stops reading its answer, which a socket read timeout alone would not.
 */
final class OpenConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenConnections.class);

  /** One open connection and the last time it made progress. */
  static final class Tracked {
    private final SocketChannel channel;
    private final LongSupplier nanoTime;
    private volatile long lastProgress;

    private Tracked(SocketChannel channel, LongSupplier nanoTime) {
      this.channel = channel;
      this.nanoTime = nanoTime;
      this.lastProgress = nanoTime.getAsLong();
    }

    SocketChannel channel() {
      return channel;
    }

    void touch() {
      lastProgress = nanoTime.getAsLong();
    }
  }

  private final int max;
  private final long idleNanos;
  private final LongSupplier nanoTime;
  private final Set<Tracked> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService reaper;
  private int count; // guarded by this

  OpenConnections(int max, Duration idle, LongSupplier nanoTime) {
    this.max = max;
    this.idleNanos = idle.toNanos();
    this.nanoTime = nanoTime;
    this.reaper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("peershare-serve-idle").daemon().factory());
    long period = Math.clamp(idleNanos / 4, 10_000_000L, 1_000_000_000L);
    reaper.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.NANOSECONDS);
  }

  /** Takes a slot for {@code channel}, or returns null when the cap is reached. */
  Tracked tryOpen(SocketChannel channel) {
    synchronized (this) {
      if (count >= max) {
        return null;
      }
      count++;
    }
    Tracked t = new Tracked(channel, nanoTime);
    open.add(t);
    return t;
  }

  /** Gives the slot back; the caller closes the channel. */
  void release(Tracked t) {
    if (open.remove(t)) {
      synchronized (this) {
        count--;
      }
    }
  }

  synchronized int count() {
    return count;
  }

  private void reap() {
    long now = nanoTime.getAsLong();
    for (Tracked t : open) {
      if (now - t.lastProgress > idleNanos) {
        LOG.debug("closing idle connection {}", t.channel);
        closeQuietly(t.channel);
      }
    }
  }

  /** Closes every open connection and stops the reaper. */
  @Override
  public void close() {
    reaper.shutdownNow();
    for (Tracked t : open) {
      closeQuietly(t.channel);
    }
  }

  static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {}: {}", channel, e.toString());
    }
  }
}
