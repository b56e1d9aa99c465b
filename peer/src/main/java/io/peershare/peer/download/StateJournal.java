package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Keeps the {@code .part.state} file up to date without writing it for every piece: it is written
 * after {@value #BATCH} newly verified pieces or {@value #INTERVAL_MILLIS} ms, whichever comes
 * first, and whenever the download stops. A crash loses at most the pieces verified since the last
 * write; they are fetched again on resume.
 *
 * <p>The writes during the download happen on a thread of the journal's own (from the session's
 * executor), so the threads that verify and write pieces never wait for the file system: creating
 * and renaming a file waits for the file system's journal, which on ext4 can take over 100 ms while
 * another large file is being deleted (docs/benchmarks.md), long enough to stall a download. A
 * failed write goes to {@code onFailure}, which stops the download: a full disk must not go
 * unnoticed.
 */
final class StateJournal implements AutoCloseable {
  static final int BATCH = 8;
  static final long INTERVAL_MILLIS = 250;

  private final DownloadTarget target;
  private final Digest digest;
  private final long size;
  private final PieceBoard board;
  private final Clock clock;
  private final Executor threads;
  private final Consumer<IOException> onFailure;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition requested = lock.newCondition();
  private final Object file = new Object(); // one writer of the state file at a time
  private int unwritten;
  private long lastWrite;
  private boolean pending; // a background write was asked for and has not started yet
  private boolean closed;
  private CountDownLatch writerEnded; // null until the background writer starts

  StateJournal(
      DownloadTarget target,
      Digest digest,
      long size,
      PieceBoard board,
      Clock clock,
      Executor threads,
      Consumer<IOException> onFailure) {
    this.target = target;
    this.digest = digest;
    this.size = size;
    this.board = board;
    this.clock = clock;
    this.threads = threads;
    this.onFailure = onFailure;
    this.lastWrite = clock.millis();
  }

  /** One more piece is verified and written; asks for a write in the background when one is due. */
  void pieceVerified() {
    lock.lock();
    try {
      unwritten++;
      if (unwritten >= BATCH || clock.millis() - lastWrite >= INTERVAL_MILLIS) {
        unwritten = 0;
        lastWrite = clock.millis();
        if (!closed) {
          pending = true;
          if (writerEnded == null) {
            writerEnded = new CountDownLatch(1);
            threads.execute(this::writeLoop);
          }
          requested.signal();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Writes the state now, on the calling thread. */
  void write() throws IOException {
    synchronized (file) {
      new PartState(digest, size, board.verifiedSnapshot())
          .write(target.state(), target.stateTemp());
    }
  }

  /**
   * Writes the state as the download stops, even from an interrupted thread (whose interrupt would
   * otherwise close the file channel under the write); failures are only logged by the caller.
   */
  void writeOnStop() throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      close();
      write();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops the background writer and waits for a write it has begun: after this, only {@link #write}
   * touches the state file.
   */
  @Override
  public void close() {
    CountDownLatch w;
    lock.lock();
    try {
      closed = true;
      pending = false;
      w = writerEnded;
      requested.signal();
    } finally {
      lock.unlock();
    }
    if (w != null) {
      boolean interrupted = false;
      while (w.getCount() > 0) {
        try {
          w.await();
        } catch (InterruptedException e) {
          interrupted = true; // a state write takes moments; the caller's interrupt is kept
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeLoop() {
    try {
      while (true) {
        lock.lock();
        try {
          while (!pending && !closed) {
            requested.awaitUninterruptibly();
          }
          if (closed) {
            return;
          }
          pending = false;
        } finally {
          lock.unlock();
        }
        write();
      }
    } catch (IOException e) {
      onFailure.accept(e);
    } catch (RuntimeException e) {
      onFailure.accept(new IOException("writing the state failed", e));
    } finally {
      writerEnded.countDown();
    }
  }
}
