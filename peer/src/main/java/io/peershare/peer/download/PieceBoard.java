package io.peershare.peer.download;

import io.peershare.protocol.Manifest;
import java.util.BitSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who fetches which piece: the work-stealing queue shared by all provider workers. A worker takes
 * the next run of queued contiguous pieces, and gives back whatever it did not verify. When the
 * queue is empty but pieces are still in flight, an idle worker takes one of those too (endgame):
 * the first verified copy wins and the other is dropped.
 *
 * <p>A piece is committed in two steps, {@link #beginCommit} then {@link #commitDone}, so only one
 * worker ever writes it and nobody writes over a piece already verified.
 */
final class PieceBoard {
  /**
   * The longest run one request asks for: 32 MiB. Each request costs a new connection (the protocol
   * answers one request per connection), so long runs pay while much is left.
   */
  static final int MAX_RUN = 32;

  /** Runs up to this long are taken whole, as before runs grew: 4 MiB. */
  static final int MIN_RUN = 4;

  /**
   * Beyond {@link #MIN_RUN}, a worker takes at most this fraction of its fair share of the queue at
   * once, so runs shrink towards the end and the last pieces still spread over every provider (work
   * stealing, endgame).
   */
  private static final int RUNS_PER_SHARE = 4;

  /** In the endgame a piece is fetched from at most this many providers at once. */
  private static final int MAX_HOLDERS = 2;

  /** Pieces {@code [first, first + count)}. */
  record PieceRun(int first, int count) {
    int end() {
      return first + count;
    }
  }

  private final Manifest manifest;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Condition noCommits = lock.newCondition(); // committing became empty
  private final BitSet verified = new BitSet();
  private final BitSet queued = new BitSet();
  private final BitSet inFlight = new BitSet();
  private final BitSet committing = new BitSet();
  private final int[] holders;
  private int verifiedCount;
  private long verifiedBytes;
  private int activeWorkers;
  private int endedWorkers;
  private boolean stopped;

  PieceBoard(Manifest manifest, BitSet alreadyVerified) {
    this.manifest = manifest;
    this.holders = new int[manifest.pieceCount()];
    int n = manifest.pieceCount();
    queued.set(0, n);
    for (int i = alreadyVerified.nextSetBit(0);
        i >= 0 && i < n;
        i = alreadyVerified.nextSetBit(i + 1)) {
      verified.set(i);
      queued.clear(i);
      verifiedCount++;
      verifiedBytes += manifest.pieceLength(i);
    }
  }

  /**
   * The next run to fetch, or null when the download is done or stopped. Waits while every
   * remaining piece is already fetched by as many workers as allowed.
   */
  PieceRun take() throws InterruptedException {
    return take(true);
  }

  /**
   * Like {@link #take()}; with {@code duplicates} false, never a piece another worker is fetching
   * (the endgame): for workers of one provider, whose second copy of a piece would come from the
   * same place as the first. Such a worker waits instead, until pieces come back or all are in.
   */
  PieceRun take(boolean duplicates) throws InterruptedException {
    lock.lock();
    try {
      while (!isDoneLocked() && !stopped) {
        int first = queued.nextSetBit(0);
        if (first >= 0) {
          int share = queued.cardinality() / Math.max(1, activeWorkers);
          int want =
              Math.max(Math.clamp(share, 1, MIN_RUN), Math.min(share / RUNS_PER_SHARE, MAX_RUN));
          int end = first;
          while (end < first + want && queued.get(end)) {
            end++;
          }
          queued.clear(first, end);
          for (int i = first; i < end; i++) {
            hold(i);
          }
          return new PieceRun(first, end - first);
        }
        for (int i = duplicates ? inFlight.nextSetBit(0) : -1;
            i >= 0;
            i = inFlight.nextSetBit(i + 1)) {
          if (holders[i] < MAX_HOLDERS && !verified.get(i) && !committing.get(i)) {
            hold(i);
            return new PieceRun(i, 1);
          }
        }
        changed.await();
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Gives back a run: its pieces that nobody verified, nobody is writing and nobody else holds are
   * queued again.
   */
  void release(PieceRun run) {
    lock.lock();
    try {
      for (int i = run.first(); i < run.end(); i++) {
        if (--holders[i] == 0) {
          inFlight.clear(i);
          if (!verified.get(i) && !committing.get(i)) {
            queued.set(i);
          }
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** True when the caller may write this verified piece: nobody verified or is writing it. */
  boolean beginCommit(int piece) {
    lock.lock();
    try {
      if (verified.get(piece) || committing.get(piece)) {
        return false;
      }
      committing.set(piece);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The piece is written: it counts as verified from now on. Returns the verified bytes. */
  long commitDone(int piece) {
    lock.lock();
    try {
      committing.clear(piece);
      if (committing.isEmpty()) {
        noCommits.signalAll();
      }
      verified.set(piece);
      verifiedCount++;
      verifiedBytes += manifest.pieceLength(piece);
      if (isDoneLocked()) {
        changed.signalAll(); // a piece less in flight gives no waiter anything new to do
      }
      return verifiedBytes;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The write failed, or never happened: the piece is not verified, and is queued again unless a
   * worker holds it.
   */
  void commitFailed(int piece) {
    lock.lock();
    try {
      committing.clear(piece);
      if (committing.isEmpty()) {
        noCommits.signalAll();
      }
      if (holders[piece] == 0 && !verified.get(piece)) {
        queued.set(piece);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until no piece is being written (each is then verified or queued again), through
   * interrupts (writes end by themselves); keeps the interrupt for the caller.
   */
  void awaitNoCommits() {
    lock.lock();
    try {
      while (!committing.isEmpty()) {
        noCommits.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Pieces found bad when the whole file was checked: fetch them again. */
  void reopen(BitSet bad) {
    lock.lock();
    try {
      for (int i = bad.nextSetBit(0); i >= 0; i = bad.nextSetBit(i + 1)) {
        if (verified.get(i)) {
          verified.clear(i);
          verifiedCount--;
          verifiedBytes -= manifest.pieceLength(i);
        }
        if (holders[i] == 0) {
          queued.set(i);
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** True when every piece of the run is verified: fetching it would be wasted. */
  boolean allVerified(int first, int end) {
    lock.lock();
    try {
      int next = verified.nextClearBit(first);
      return next >= end;
    } finally {
      lock.unlock();
    }
  }

  void workerStarted() {
    lock.lock();
    try {
      activeWorkers++;
    } finally {
      lock.unlock();
    }
  }

  void workerEnded() {
    lock.lock();
    try {
      activeWorkers--;
      endedWorkers++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  int activeWorkers() {
    lock.lock();
    try {
      return activeWorkers;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the download is done or stopped, or a worker ended since the caller saw {@code
   * seenEnded} of them; returns how many have ended.
   */
  int awaitChange(int seenEnded) throws InterruptedException {
    lock.lock();
    try {
      while (!isDoneLocked() && !stopped && endedWorkers == seenEnded) {
        changed.await();
      }
      return endedWorkers;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every worker has ended; waits through interrupts (workers end promptly once the
   * board is done or stopped) and keeps the interrupt for the caller.
   */
  void awaitNoWorkers() {
    lock.lock();
    try {
      while (activeWorkers > 0) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The download is stopping: every worker gets null from its next {@link #take}. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isDone() {
    lock.lock();
    try {
      return isDoneLocked();
    } finally {
      lock.unlock();
    }
  }

  long verifiedBytes() {
    lock.lock();
    try {
      return verifiedBytes;
    } finally {
      lock.unlock();
    }
  }

  BitSet verifiedSnapshot() {
    lock.lock();
    try {
      return (BitSet) verified.clone();
    } finally {
      lock.unlock();
    }
  }

  private boolean isDoneLocked() {
    return verifiedCount == holders.length;
  }

  private void hold(int piece) {
    holders[piece]++;
    inFlight.set(piece);
  }
}
