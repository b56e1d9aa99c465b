package io.peershare.peer.download;

import io.peershare.protocol.IndexMessage.Provider;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The open connections of one download: opened with its connect timeout, watched for stalls while
 * they are open, and closed, whatever is left of them, when the session says so.
 *
 * <p>The stall watch ({@link #watch}) is one loop for all of them, run on a thread of the session
 * until {@link #close}: every eighth of the stall timeout it closes each connection whose read has
 * waited longer than the stall timeout for a byte.
 */
final class Connections implements AutoCloseable {
  private final int connectMillis;
  private final long stallNanos;
  private final Set<ProviderConnection> open = new HashSet<>(); // guarded by this
  private final CountDownLatch over = new CountDownLatch(1);
  private boolean closed; // guarded by this

  Connections(Duration connectTimeout, Duration stallTimeout) {
    this.connectMillis = (int) connectTimeout.toMillis();
    this.stallNanos = stallTimeout.toNanos();
  }

  /**
   * A new connection to {@code p}, watched until it is {@link #close(ProviderConnection) closed}.
   */
  ProviderConnection open(Provider p) throws ProviderFailure {
    ProviderConnection c = ProviderConnection.open(p, connectMillis);
    synchronized (this) {
      if (!closed) {
        open.add(c);
        return c;
      }
    }
    c.close();
    throw new ProviderFailure("the download of this content is over");
  }

  /** Closes a connection its caller is done with. */
  void close(ProviderConnection c) {
    synchronized (this) {
      open.remove(c);
    }
    c.close();
  }

  /** The stall watch: runs until {@link #close}. */
  void watch() {
    long tickMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(stallNanos) / 8);
    try {
      while (!over.await(tickMillis, TimeUnit.MILLISECONDS)) {
        long now = System.nanoTime();
        for (ProviderConnection c : snapshot()) {
          c.closeIfStalled(now, stallNanos);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the download is over
    }
  }

  /** How many connections are open now. */
  synchronized int count() {
    return open.size();
  }

  /**
   * Closes every connection open now; their readers fail at once. New connections may still be
   * opened (a reader checks, once connected, whether its pieces are still wanted).
   */
  void closeAll() {
    List<ProviderConnection> left;
    synchronized (this) {
      left = List.copyOf(open);
      open.clear();
    }
    left.forEach(ProviderConnection::close);
  }

  /** The download is over: ends the stall watch, closes every connection, refuses new ones. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    over.countDown();
    closeAll();
  }

  private synchronized List<ProviderConnection> snapshot() {
    return List.copyOf(open);
  }
}
