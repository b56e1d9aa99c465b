package io.peershare.peer.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes verified whole pieces behind the readers: a reader hands over the buffer a piece is in
 * ({@link #writeBehind}), gets a free buffer back at once and reads on, while one writer thread
 * puts the piece on the disk by direct I/O ({@link PartFile#writePiece}), which waits for the
 * device (0.5-1 ms per MiB here) without holding up the reading and hashing.
 *
 * <p>Bounded: at most {@code depth} pieces wait or are being written; a reader that finds that many
 * waits for the writer (back-pressure, so a disk slower than the network slows the download instead
 * of filling memory). The buffers it hands out are those the writer is done with, or new ones while
 * fewer than that exist: the download's memory is its readers' buffers and {@code depth} more,
 * whatever the file's size.
 *
 * <p>A piece counts as done, on the board and in the resume record, only once it is written ({@code
 * written}); a piece that is not (the disk failed, or the download stopped before it was handed
 * over) goes to {@code dropped}, and a disk failure to {@code fatal}, which ends the download;
 * pieces still waiting after that are dropped unwritten.
 */
final class PieceWriter implements AutoCloseable {
  /** Pieces waiting or being written at most: 4 MiB. */
  static final int DEPTH = 4;

  /** Where the pieces go: the {@link PartFile}, or a test's stand-in. */
  interface Disk {
    /** Whether this piece would go by direct I/O, worth writing behind. */
    boolean writesDirect(long offset, ByteBuffer data);

    /** Writes the whole piece, waiting for the device. */
    void writePiece(long offset, ByteBuffer data) throws IOException;
  }

  /** What the writer reports, on its own thread. */
  interface Outcome {
    /** The piece is on the disk (or in the page cache, after a fallback). */
    void written(int piece);

    /** The piece was not written; it does not count. */
    void dropped(int piece);
  }

  private record Job(int piece, long offset, ByteBuffer data) {}

  private final Disk part;
  private final Outcome outcome;
  private final Consumer<Throwable> fatal;
  private final int depth;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition room = lock.newCondition();
  private final Deque<Job> queue = new ArrayDeque<>(); // guarded by lock
  private final Deque<ByteBuffer> free = new ArrayDeque<>(); // guarded by lock
  private final CountDownLatch ended = new CountDownLatch(1);
  private int pending; // queued or being written; guarded by lock
  private boolean closed; // guarded by lock
  private boolean broken; // a write failed: the rest are dropped; guarded by lock

  PieceWriter(Disk part, Outcome outcome, Consumer<Throwable> fatal, Executor threads, int depth) {
    this.part = part;
    this.outcome = outcome;
    this.fatal = fatal;
    this.depth = depth;
    threads.execute(this::run);
  }

  /**
   * Whether a verified piece at {@code offset} in {@code data} should be handed to {@link
   * #writeBehind}; if not, the reader writes it itself, through the page cache.
   */
  boolean takes(long offset, ByteBuffer data) {
    return part.writesDirect(offset, data);
  }

  /**
   * Hands over piece {@code piece}, {@code data} from position to limit, to be written at {@code
   * offset}; returns the buffer for the caller to read on into: a free one, or {@code data} itself
   * when the piece could not be handed over (the writer stopped, or the caller was interrupted
   * while waiting for room: its interrupt is kept), in which case it was {@link Outcome#dropped
   * dropped}.
   */
  ByteBuffer writeBehind(int piece, long offset, ByteBuffer data) {
    boolean queued = false;
    ByteBuffer next = null;
    lock.lock();
    try {
      while (pending >= depth && !closed && !broken) {
        try {
          room.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the download is stopping; the reader ends next
          break;
        }
      }
      if (pending < depth && !closed && !broken) {
        queue.addLast(new Job(piece, offset, data));
        pending++;
        queued = true;
        work.signal();
        next = free.pollFirst();
      }
    } finally {
      lock.unlock();
    }
    if (!queued) {
      outcome.dropped(piece);
      return data;
    }
    // a new buffer only while fewer than the readers' and depth exist
    return next != null ? next.clear() : PartFile.newPieceBuffer();
  }

  private void run() {
    try {
      while (true) {
        Job job;
        boolean skip;
        lock.lock();
        try {
          while (queue.isEmpty() && !closed) {
            work.awaitUninterruptibly();
          }
          job = queue.pollFirst();
          if (job == null) {
            return; // closed, and nothing is left
          }
          skip = broken;
        } finally {
          lock.unlock();
        }
        boolean done = false;
        if (!skip) {
          try {
            part.writePiece(job.offset, job.data);
            done = true;
          } catch (Throwable t) { // the disk, or a bug: either ends the download
            lock.lock();
            try {
              broken = true;
              room.signalAll();
            } finally {
              lock.unlock();
            }
            fatal.accept(t);
          }
        }
        lock.lock();
        try {
          pending--;
          free.addFirst(job.data);
          room.signal();
        } finally {
          lock.unlock();
        }
        if (done) {
          outcome.written(job.piece);
        } else {
          outcome.dropped(job.piece);
        }
      }
    } finally {
      ended.countDown();
    }
  }

  /**
   * Writes what was handed over (unless a write failed), then ends the writer thread; returns once
   * it has ended. After this every piece handed over is written or dropped, and nothing touches the
   * part file any more. Safe to call twice.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
      room.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (true) {
      try {
        ended.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a few writes take milliseconds; the caller's interrupt is kept
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
