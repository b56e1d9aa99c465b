package io.peershare.peer;

import io.peershare.peer.index.IndexException;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
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

  /** What the keeper keeps alive: {@link PeerNode} in production, a fake in tests. */
  interface Peer {
    PeerName name();

    /** What the peer shares now. */
    List<ContentName> shared();

    /** Sends {@code K}; returns the lease in seconds. */
    long keepalive() throws IndexException, IOException;

    /** Sends {@code R} again for {@code content}; returns the lease, or 0 when it is unshared. */
    long reregister(ContentName content) throws IndexException, IOException;

    /** Calls {@code round} whenever the index client goes on with another index node. */
    void onIndexMove(Runnable round);
  }

  /** Runs tasks after a delay: all the time the keeper knows, so tests can move it by hand. */
  interface Scheduler extends AutoCloseable {
    /** Runs {@code task} once, {@code delayMillis} from now. */
    Scheduled schedule(Runnable task, long delayMillis);

    /** Runs nothing more. */
    @Override
    void close();

    /** One scheduled run. */
    interface Scheduled {
      /** Stops the run; false when it has started already. */
      boolean cancel();
    }

    /** A scheduler on one daemon thread of its own. */
    static Scheduler ownThread(String threadName) {
      ScheduledExecutorService timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      return new Scheduler() {
        @Override
        public Scheduled schedule(Runnable task, long delayMillis) {
          ScheduledFuture<?> f = timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
          return () -> f.cancel(false);
        }

        @Override
        public void close() {
          timer.shutdownNow();
        }
      };
    }
  }

  private final Peer peer;
  private final Scheduler scheduler;
  private final Set<ContentName> pending = new LinkedHashSet<>(); // guarded by this
  private volatile long leaseSeconds = DEFAULT_LEASE_SECONDS;
  private Scheduler.Scheduled next; // guarded by this
  private boolean closed; // guarded by this

  LeaseKeeper(Peer peer, Scheduler scheduler) {
    this.peer = peer;
    this.scheduler = scheduler;
  }

  /** Schedules the first keepalive. */
  void start() {
    peer.onIndexMove(this::renewNow);
    scheduleNext();
  }

  /** A keepalive round now, on the scheduler's thread (so never two at once). */
  private synchronized void renewNow() {
    if (!closed) {
      scheduler.schedule(this::tickOnce, 0);
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
  synchronized void registered(ContentName content, long lease) {
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
    if (sooner && next != null && next.cancel()) {
      scheduleNext();
    }
  }

  /** {@code R} for {@code content} got no reply: try again at the next keepalive. */
  synchronized void pending(ContentName content) {
    pending.add(content);
  }

  synchronized void forget(ContentName content) {
    pending.remove(content);
  }

  /** Milliseconds between two keepalives: a third of the lease, at least 200 ms. */
  long intervalMillis() {
    return Math.max(200, leaseSeconds * 1000 / 3);
  }

  private synchronized void scheduleNext() {
    if (!closed) {
      next = scheduler.schedule(this::tick, intervalMillis());
    }
  }

  private void tick() {
    try {
      tickOnce();
    } finally {
      scheduleNext();
    }
  }

  /** One keepalive round: pending registrations first, then {@code K}. */
  private void renew() {
    List<ContentName> shared = peer.shared();
    if (shared.isEmpty()) {
      return;
    }
    Set<ContentName> retry;
    synchronized (this) {
      retry = new LinkedHashSet<>(pending);
    }
    for (ContentName content : retry) {
      reregister(content);
    }
    try {
      updateLease(peer.keepalive());
    } catch (IndexException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        log.info("the index lost {}'s registrations (restarted?): registering again", peer.name());
        for (ContentName content : peer.shared()) {
          reregister(content);
        }
      } else {
        log.warn("keepalive refused: {}", e.getMessage());
      }
    } catch (IOException e) {
      log.warn("keepalive got no answer: {}", e.getMessage());
    }
  }

  private void reregister(ContentName content) {
    try {
      long lease = peer.reregister(content);
      registered(content, lease);
      if (lease > 0) {
        log.info("registered '{}' again", content);
      }
    } catch (IndexException e) {
      log.warn("could not register '{}' again: {}", content, e.getMessage());
      forget(content);
    } catch (IOException e) {
      pending(content);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (next != null) {
      next.cancel();
    }
    scheduler.close();
  }
}
