package io.peershare.peer.download;

import io.peershare.protocol.Digest;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The hashing stage of one download: {@value #THREADS} threads, shared by all its connections, hash
 * each piece a reader filled while the reader fills the next, and hand it to the {@link Sink} only
 * when it matches the manifest, so unverified bytes never reach the disk.
 *
 * <p>Every piece is settled, whatever happens: its buffer goes back to the reader's pool and its
 * connection counts it as {@link ProviderConnection#hashed}, so a reader can wait for the pieces of
 * its run. A wrong hash {@link ProviderConnection#reject rejects} the connection, which stops its
 * reader at once; the other pieces of that connection are still checked, each on its own. A failing
 * sink (the local disk) is the end of the download: it goes to {@code fatal}, and from then on, as
 * after {@link #skipRest}, pieces are settled without being hashed.
 *
 * <p>The threads are never interrupted: an interrupt would close the part file under a write.
 */
final class PieceVerifier {
  /**
   * Hashing threads. Two keep two cores busy: SHA-256 is the receiver's main cost, and a reader
   * mostly waits for the socket (docs/benchmarks.md, "Transfers").
   */
  static final int THREADS = 2;

  /** The digest reads arrays: pieces are copied out of their direct buffer 64 KiB at a time. */
  private static final int SCRATCH = 64 << 10;

  /** Where a hashed piece goes; called on the hashing threads. */
  interface Sink {
    /**
     * Whether the piece still needs this copy; false when another provider's copy is in already, so
     * this one is not even hashed.
     */
    boolean wanted(int piece);

    /** The piece matched its hash; {@code data} from position to limit, valid during the call. */
    void verified(int piece, ByteBuffer data) throws IOException;

    /** The piece did not match its hash; its connection is already rejected. */
    void rejected(int piece, ProviderConnection from);
  }

  private record Job(
      int piece, ByteBuffer data, ProviderConnection from, Queue<ByteBuffer> bufferHome) {}

  private static final Job END = new Job(-1, null, null, null);

  private final Manifest manifest;
  private final Sink sink;
  private final Consumer<Throwable> fatal;
  private final BlockingQueue<Job> jobs = new LinkedBlockingQueue<>(); // bounded by the buffers
  private final CountDownLatch ended = new CountDownLatch(THREADS);
  private volatile boolean skipping;
  private boolean started;

  PieceVerifier(Manifest manifest, Sink sink, Consumer<Throwable> fatal) {
    this.manifest = manifest;
    this.sink = sink;
    this.fatal = fatal;
  }

  /** Starts the hashing threads on {@code threads}. */
  void start(Executor threads) {
    started = true;
    for (int i = 0; i < THREADS; i++) {
      threads.execute(this::hashLoop);
    }
  }

  /**
   * Queues a full piece, {@code data} from 0 to its limit, read over {@code from}; the buffer goes
   * back to {@code bufferHome} once the piece is settled.
   */
  void submit(int piece, ByteBuffer data, ProviderConnection from, Queue<ByteBuffer> bufferHome) {
    from.hashing();
    jobs.add(new Job(piece, data, from, bufferHome));
  }

  /** The download is stopping: the pieces still queued are settled without hashing. */
  void skipRest() {
    skipping = true;
  }

  /**
   * Ends the threads once the queue is empty and waits for them. Call it when no reader can submit
   * any more.
   */
  void stop() {
    if (!started) {
      return;
    }
    for (int i = 0; i < THREADS; i++) {
      jobs.add(END);
    }
    boolean interrupted = false;
    while (true) {
      try {
        ended.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // a few queued pieces take moments; the caller's interrupt is kept
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void hashLoop() {
    MessageDigest md = Digest.newSha256();
    byte[] scratch = new byte[SCRATCH];
    try {
      while (true) {
        Job job;
        try {
          job = jobs.take();
        } catch (InterruptedException e) {
          continue; // nobody interrupts these threads; a stray interrupt must not strand a piece
        }
        if (job == END) {
          return;
        }
        settle(job, md, scratch);
      }
    } finally {
      ended.countDown();
    }
  }

  private void settle(Job job, MessageDigest md, byte[] scratch) {
    try {
      if (!skipping && sink.wanted(job.piece())) {
        verify(job, md, scratch);
      }
    } catch (IOException | RuntimeException | Error e) {
      skipping = true; // the disk failed: no use hashing more
      fatal.accept(e);
    } finally {
      job.bufferHome().add(job.data());
      job.from().hashed();
    }
  }

  private void verify(Job job, MessageDigest md, byte[] scratch) throws IOException {
    ByteBuffer data = job.data();
    int length = data.limit();
    md.reset();
    for (int at = 0; at < length; at += SCRATCH) {
      int k = Math.min(SCRATCH, length - at);
      data.get(at, scratch, 0, k);
      md.update(scratch, 0, k);
    }
    if (manifest.pieceHash(job.piece()).equals(Digest.of(md.digest()))) {
      sink.verified(job.piece(), data);
    } else {
      job.from()
          .reject(
              new ProviderFailure(
                  job.from().who() + " sent piece " + job.piece() + " with a wrong hash"));
      sink.rejected(job.piece(), job.from());
    }
  }
}
