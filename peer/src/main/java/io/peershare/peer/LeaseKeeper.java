package io.peershare.peer;

import io.peershare.peer.index.IndexException;
import io.peershare.peer.serve.SharedContent;
import io.peershare.protocol.ErrorCode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a peer's registrations alive: {@code K} at a third of the lease. When the index answers
 * {@code NOT_FOUND} (it restarted, or the leases ran out while the network was down) every shared
 * content is registered again; a registration whose {@code R} got no reply is retried here too.
 * When the index client gives up on one index node and goes on with the next, a round runs at once:
 * the new node answers {@code NOT_FOUND} unless it shares the first one's registry.
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
  private static final long DEFAULT_LEASE_SECONDS = 90;

  private final PeerNode node;
  private final ScheduledExecutorService timer;
  private final Set<String> pending = new LinkedHashSet<>();
  private volatile long leaseSeconds = DEFAULT_LEASE_SECONDS;
  private ScheduledFuture<?> next;

  LeaseKeeper(PeerNode node) {
    this.node = node;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "peershare-keepalive-" + node.name());
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    node.index().onMove(to -> renewNow());
    scheduleNext();
  }

  /** A keepalive round now, on the timer's thread (so never two at once). */
  private void renewNow() {
    try {
      timer.execute(this::tickOnce);
    } catch (RejectedExecutionException e) {
      // closing: nothing to renew any more
    }
  }

  private void tickOnce() {
    try {
      renew();
    } catch (RuntimeException e) {
      log.warn("keepalive failed: {}", e.toString());
    }
  }

  /** The index accepted {@code R} for {@code content} with this lease. */
  synchronized void registered(String content, long lease) {
    pending.remove(content);
    updateLease(lease);
  }

  /**
   * A lease shorter than the one the next keepalive was timed for brings that keepalive forward.
   */
  private synchronized void updateLease(long lease) {
    if (lease <= 0 || lease == leaseSeconds) {
      return;
    }
    boolean sooner = lease < leaseSeconds;
    leaseSeconds = lease;
    if (sooner && next != null && next.cancel(false)) {
      scheduleNext();
    }
  }

  /** {@code R} for {@code content} got no reply: try again at the next keepalive. */
  synchronized void pending(String content) {
    pending.add(content);
  }

  synchronized void forget(String content) {
    pending.remove(content);
  }

  /** Milliseconds between two keepalives: a third of the lease, at least 200 ms. */
  long intervalMillis() {
    return Math.max(200, leaseSeconds * 1000 / 3);
  }

  private synchronized void scheduleNext() {
    if (!timer.isShutdown()) {
      next = timer.schedule(this::tick, intervalMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void tick() {
    try {
      tickOnce();
    } finally {
      scheduleNext();
    }
  }

  /** One keepalive round; package-private so tests can run it without waiting. */
  void renew() {
    if (node.local().isEmpty()) {
      return;
    }
    Set<String> retry;
    synchronized (this) {
      retry = new LinkedHashSet<>(pending);
    }
    for (String content : retry) {
      reregister(content);
    }
    try {
      updateLease(node.index().keepalive(node.name()));
    } catch (IndexException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        log.info("the index lost {}'s registrations (restarted?): registering again", node.name());
        for (SharedContent s : node.local()) {
          reregister(s.content());
        }
      } else {
        log.warn("keepalive refused: {}", e.getMessage());
      }
    } catch (IOException e) {
      log.warn("keepalive got no answer: {}", e.getMessage());
    }
  }

  private void reregister(String content) {
    try {
      registered(content, node.reregister(content));
    } catch (IndexException e) {
      log.warn("could not register '{}' again: {}", content, e.getMessage());
      forget(content);
    } catch (IOException e) {
      pending(content);
    }
  }

  @Override
  public synchronized void close() {
    timer.shutdownNow();
  }
}
