package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The other half of one {@link RangeFetcher} run: hashes each piece the reader filled, on threads
 * of its own so hashing overlaps the socket reads, and hands it to the sink only when it matches
 * the manifest. Every buffer goes back to the fetcher's pool, verified or not, so the pool bounds
 * the memory. A wrong hash or a failing sink closes the connection, which stops the reader at once.
 *
 * <p>It also watches the reader for stalls: channel reads have no timeout of their own, so a read
 * that waits longer than the stall timeout for a byte gets its connection closed.
 */
final class PieceVerifier {
  private static final int THREADS = 2;
  private static final int SCRATCH = 64 << 10;

  private record Job(int piece, ByteBuffer data) {}

  private static final Job END = new Job(-1, ByteBuffer.allocate(0));

  private final Manifest manifest;
  private final RangeFetcher.PieceSink sink;
  private final BlockingQueue<ByteBuffer> free;
  private final String who;
  private final SocketChannel channel;
  private final Connector connector;
  private final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(RangeFetcher.BUFFERS + THREADS);
  private final Thread[] threads = new Thread[THREADS];
  private final CountDownLatch over = new CountDownLatch(1);
  private final Thread watchdog;
  private volatile Exception failure;
  private volatile boolean stalled;
  private volatile boolean giveUp; // interrupted, or the sink failed: skip the queued pieces
  private volatile long readSince; // System.nanoTime() when the current read began; 0: none

  PieceVerifier(
      Manifest manifest,
      RangeFetcher.PieceSink sink,
      BlockingQueue<ByteBuffer> free,
      String who,
      SocketChannel channel,
      Connector connector) {
    this.manifest = manifest;
    this.sink = sink;
    this.free = free;
    this.who = who;
    this.channel = channel;
    this.connector = connector;
    for (int i = 0; i < THREADS; i++) {
      // platform threads: a hashing virtual thread holds its carrier for a whole piece, and the
      // reader, waiting for one, lets the socket fill up (measured: 420 vs 590 MB/s on 2 cores)
      threads[i] = Thread.ofPlatform().daemon().name("piece-verifier").start(this::verifyLoop);
    }
    int stallMillis = connector.stallMillis();
    watchdog =
        stallMillis > 0
            ? Thread.ofVirtual().name("stall-watch").start(() -> watch(stallMillis))
            : null;
  }

  /** A free piece buffer; waits while all are being hashed or written. */
  ByteBuffer takeBuffer() throws InterruptedException {
    return free.take();
  }

  /** A buffer the reader took but did not fill. */
  void giveBack(ByteBuffer b) {
    free.add(b);
  }

  /** Queues a full piece, {@code data} from 0 to its limit, for hashing. */
  void submit(int piece, ByteBuffer data) throws InterruptedException {
    jobs.put(new Job(piece, data));
  }

  void readStarts() {
    readSince = System.nanoTime();
  }

  void readEnds() {
    readSince = 0;
  }

  /** True when the connection was closed because the provider stopped sending. */
  boolean stalled() {
    return stalled;
  }

  /**
   * The run is read: waits until the pieces still queued are verified and written, then throws what
   * went wrong with them, if anything.
   */
  void finish() throws ProviderFailure, IOException {
    stop(false);
    Exception f = failure;
    if (f != null) {
      throw rethrow(f);
    }
  }

  /**
   * The reader failed with {@code e}: the pieces it completed are still verified and kept (unless
   * it was interrupted); returns the failure to report, which is the verifier's own when it caused
   * the reader's (a wrong hash closes the connection under the reader).
   */
  Exception abort(Exception e) {
    if (e instanceof InterruptedException) {
      giveUp = true;
      fail(e);
    }
    stop(e instanceof InterruptedException);
    Exception f = failure;
    return f != null && !(e instanceof InterruptedException) ? f : e;
  }

  /** Throws {@code e}, which is one of the exceptions a fetch may throw. */
  static ProviderFailure rethrow(Exception e) throws ProviderFailure, IOException {
    switch (e) {
      case ProviderFailure pf -> throw pf;
      case IOException io -> throw io;
      case RuntimeException re -> throw re;
      default -> throw new IllegalStateException(e);
    }
  }

  private void stop(boolean interrupted) {
    for (int i = 0; i < THREADS; i++) {
      jobs.add(END); // room for them: never more jobs than buffers
    }
    over.countDown();
    boolean wasInterrupted = Thread.interrupted() || interrupted;
    for (Thread t : threads) {
      joinUninterruptibly(t);
    }
    if (watchdog != null) {
      joinUninterruptibly(watchdog);
    }
    if (wasInterrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinUninterruptibly(Thread t) {
    while (true) {
      try {
        t.join();
        return;
      } catch (InterruptedException e) {
        // the verifiers finish their few queued pieces quickly; the caller's interrupt is kept
      }
    }
  }

  private void verifyLoop() {
    MessageDigest md = Digest.newSha256();
    byte[] scratch = new byte[SCRATCH];
    while (true) {
      Job job;
      try {
        job = jobs.take();
      } catch (InterruptedException e) {
        return;
      }
      if (job == END) {
        return;
      }
      try {
        if (!giveUp) {
          verify(job, md, scratch); // even after a wrong hash: each piece stands on its own
        }
      } catch (ProviderFailure e) {
        fail(e);
      } catch (IOException | RuntimeException e) {
        giveUp = true; // the disk failed: no use hashing more
        fail(e);
      } finally {
        free.add(job.data());
      }
    }
  }

  private void verify(Job job, MessageDigest md, byte[] scratch)
      throws ProviderFailure, IOException {
    ByteBuffer data = job.data();
    int length = data.limit();
    md.reset();
    for (int at = 0; at < length; at += SCRATCH) {
      int k = Math.min(SCRATCH, length - at);
      data.get(at, scratch, 0, k); // the digest reads arrays; 64 KiB stays in the cache
      md.update(scratch, 0, k);
    }
    if (!manifest.pieceHash(job.piece()).equals(Digest.of(md.digest()))) {
      throw new ProviderFailure(who + " sent piece " + job.piece() + " with a wrong hash");
    }
    sink.verified(job.piece(), data);
  }

  private void fail(Exception e) {
    synchronized (this) {
      if (failure == null) {
        failure = e;
      }
    }
    connector.close(channel);
  }

  private void watch(int stallMillis) {
    long stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
    long tick = Math.max(1, stallMillis / 8);
    try {
      while (!over.await(tick, TimeUnit.MILLISECONDS)) {
        long since = readSince;
        if (since != 0 && System.nanoTime() - since > stallNanos) {
          stalled = true;
          connector.close(channel);
          return;
        }
      }
    } catch (InterruptedException e) {
      // the run is over
    }
  }
}
