package io.peershare.peer.download;

import io.peershare.peer.download.PieceBoard.PieceRun;
import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download of one content into one folder, from the manifest to the verified file in place.
 * Made by {@link Downloader} once it has checked the folder and asked the index, and run once: its
 * whole API is the constructor and {@link #run}; whatever watches a download listens through the
 * {@link ProgressListener}. It owns what the download runs on, and ends all of it before {@link
 * #run} returns:
 *
 * <ul>
 *   <li><b>The threads</b>, platform threads of one executor. The caller's own thread coordinates:
 *       it fetches the manifest, starts a worker per provider (up to {@code maxSources} at once),
 *       asks the index again when every provider it knows has failed, and waits for the end. Each
 *       worker reads runs of pieces from its provider ({@link RangeFetcher}) and verifies each
 *       piece on its own thread ({@link PieceVerifier}, then {@link #verified}), and writes it
 *       there or, with {@code --fsync}, hands it to the one writer thread behind ({@link
 *       PieceWriter}, direct I/O); a lone provider of a content of {@value #LANES_MIN_PIECES}
 *       pieces or more gets {@value #LONE_PROVIDER_LANES} workers, over a connection each, so that
 *       both cores hash. One thread watches every read for stalls ({@link Connections#watch}); one
 *       writes the resume record ({@link StateJournal}).
 *   <li><b>The connections</b> ({@link Connections}): one per request, closed by their reader at
 *       the end of its run, by the stall watch, on a wrong hash, and by the session when the pieces
 *       are all in (endgame duplicates) or the download stops.
 *   <li><b>The one failure.</b> A provider's failure ({@link ProviderFailure}) only drops that
 *       provider, and another takes its place. Anything else ends the download: the disk failing,
 *       the providers running out, an interrupt of the caller, a bug. The first such failure is
 *       kept ({@link #fail}), every thread is told to stop, and {@link #run} throws that very
 *       failure, unwrapped. The part file and its state stay for a later resume.
 * </ul>
 *
 * <p>Memory: one piece buffer per worker ({@link RangeFetcher}), kept for the worker that replaces
 * a dropped one, and at most {@link PieceWriter#DEPTH} more for the pieces written behind, whatever
 * the size of the file.
 *
 * <p>Platform threads, not virtual ones: a blocking read on a platform thread costs one system
 * call, where a virtual thread parks and unparks through the poller each time the socket runs dry,
 * and a hashing virtual thread would hold its carrier for a whole piece (measured in
 * docs/benchmarks.md, "Transfers").
 */
final class DownloadSession implements PieceVerifier.Sink {
  private static final Logger log = LoggerFactory.getLogger(DownloadSession.class);

  /**
   * Workers for a provider that is the only one in use, each over its own connection: each worker
   * hashes what it reads, so one alone would leave the second core to the sender (measured in
   * docs/benchmarks.md, "Transfers", sixth look).
   */
  static final int LONE_PROVIDER_LANES = 2;

  /**
   * Pieces a content needs for a lone provider to get a second worker: two of the longest runs, so
   * that each has at least a run of its own to fetch.
   */
  static final int LANES_MIN_PIECES = 2 * PieceBoard.MAX_RUN;

  private final DownloadOptions options;
  private final Clock clock;
  private final DownloadTarget target;
  private final ContentName content;
  private final long size;
  private final Digest digest;
  private final ProviderPool providers;
  private final ProgressReporter reporter;
  private final Connections connections;
  private final ByteRateLimiter limiter; // shared by all workers; 0 bytes per second: no cap
  private final LongAdder received = new LongAdder(); // bytes off the wire, for the listener
  private final AtomicInteger threadCount = new AtomicInteger();

  /**
   * The session's threads, {@code peershare-download-N}. Numbered here, not by the thread builder's
   * own counter ({@code name(prefix, 0)}): its factory counts through a {@code VarHandle} whose
   * method-handle classes no start-up cache holds, so the first thread of every {@code get} spun
   * six classes on the main thread, 5-6 ms before the manifest was asked for (docs/benchmarks.md,
   * "Transfers", twelfth look, sources and the ends of a get).
   */
  private final ExecutorService threads =
      Executors.newThreadPerTaskExecutor(
          task ->
              Thread.ofPlatform()
                  .daemon()
                  .name(
                      "peershare-download-".concat(Integer.toString(threadCount.getAndIncrement())))
                  .unstarted(task));

  private final Deque<ByteBuffer> spareBuffers = new ArrayDeque<>(); // guarded by this
  private final Set<Thread> workerThreads = new HashSet<>(); // guarded by this
  private Throwable failure; // guarded by this

  // known once the manifest is; set by the caller's thread before any thread that uses them starts
  private Manifest manifest;
  private PieceBoard board;
  private PartFile part;
  private PieceWriter writer; // null where the part file takes no direct writes
  private StateJournal journal;
  private PieceVerifier verifier;

  /**
   * @param found the index's answer that started the download (size, digest, first providers)
   */
  DownloadSession(
      DownloadOptions options,
      Clock clock,
      DownloadTarget target,
      Providers found,
      ProviderSource source,
      ProgressListener listener) {
    this.options = options;
    this.clock = clock;
    this.target = target;
    this.content = target.content();
    this.size = found.size();
    this.digest = found.digest();
    this.providers =
        new ProviderPool(content, found, source, options.maxSources(), options.maxLocateRounds());
    this.reporter = new ProgressReporter(listener, size, clock);
    this.connections = new Connections(options.connectTimeout(), options.stallTimeout());
    this.limiter = new ByteRateLimiter(options.downloadBytesPerSecond());
  }

  /**
   * Runs the download to its end: the file in place, or a failure with every thread and connection
   * of the session ended.
   *
   * @throws DownloadException when no provider could deliver, or the target is taken meanwhile
   * @throws IOException when the local disk fails, or the index cannot be reached
   * @throws InterruptedException when the caller's thread is interrupted
   */
  Downloaded run() throws DownloadException, IOException, InterruptedException {
    threads.execute(connections::watch);
    try {
      manifest = fetchManifest();
      BitSet resumed = resumable();
      board = new PieceBoard(manifest, resumed);
      journal = new StateJournal(target, digest, size, board, clock, threads, this::fail);
      verifier = new PieceVerifier(manifest, this, this::fail);
      part =
          PartFile.open(
              target.part(), size, !resumed.isEmpty(), PartFile.wantsDirect(options.fsync()));
      if (part.writesDirect()) {
        writer = new PieceWriter(part, writeOutcome(), this::fail, threads, PieceWriter.DEPTH);
      }
      journal.write();
      reporter.started(content, board.verifiedBytes());
      fetchMissing();
      if (!resumed.isEmpty()) {
        recheck();
      }
      endWork(); // every piece is written, and no state write may follow the move below
      if (options.fsync()) {
        part.force();
      }
      part.close();
      reporter.received(received.sum());
      Path file = target.moveIntoPlace();
      reporter.finished(file);
      return new Downloaded(file, manifest);
    } catch (Throwable t) {
      Throwable first = fail(t);
      endWork();
      keepForResume(first);
      if (board != null) {
        reporter.received(received.sum());
      }
      if (t instanceof InterruptedException && first != t) {
        Thread.currentThread().interrupt(); // another failure came first; the interrupt is kept
      }
      throw rethrow(first);
    } finally {
      connections.close();
      threads.close();
    }
  }

  /**
   * The manifest, from the first provider that gives a good one. It is fetched on the caller's
   * thread: an interrupt closes the connection (a channel's reads are interruptible) and ends it.
   */
  private Manifest fetchManifest() throws DownloadException, IOException, InterruptedException {
    while (true) {
      Provider p = providers.next();
      try {
        Manifest m = ManifestFetcher.fetch(connections, p, content, digest, size);
        providers.putFirst(p); // it answered well: let it serve pieces too
        return m;
      } catch (ProviderFailure f) {
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while fetching the manifest");
        }
        providers.drop(p, f.getMessage());
      }
    }
  }

  /**
   * The verified pieces an earlier run left for this very content, or none; anything that cannot be
   * resumed is removed so the download starts afresh.
   */
  private BitSet resumable() throws IOException {
    Optional<PartState> state = PartState.read(target.state());
    if (state.isPresent()
        && state.get().digest().equals(digest)
        && state.get().size() == size
        && Files.isRegularFile(target.part())
        && Files.size(target.part()) == size) {
      log.info(
          "resuming \"{}\": {} pieces verified earlier",
          content,
          state.get().verified().cardinality());
      return state.get().verified();
    }
    Files.deleteIfExists(target.state());
    Files.deleteIfExists(target.part());
    return new BitSet();
  }

  /**
   * Fetches every piece the board still lacks, starting a worker for each provider to try; returns
   * when all are verified and every worker has ended.
   */
  private void fetchMissing() throws DownloadException, IOException, InterruptedException {
    int seenEnded = 0;
    while (!board.isDone()) {
      throwIfFailed();
      List<Provider> starting = new ArrayList<>();
      while (board.activeWorkers() + starting.size() < options.maxSources()
          && providers.hasCandidate()) {
        starting.add(providers.next());
      }
      int lanes =
          board.activeWorkers() == 0
                  && starting.size() == 1
                  && manifest.pieceCount() >= LANES_MIN_PIECES
              ? LONE_PROVIDER_LANES
              : 1;
      for (Provider p : starting) {
        startWorkers(p, lanes);
      }
      if (board.activeWorkers() == 0) {
        board.awaitNoCommits(); // pieces still being written behind may be the last ones
        if (board.isDone()) {
          break;
        }
        providers.relocate(); // throws when nobody new is left
        continue;
      }
      seenEnded = board.awaitChange(seenEnded);
    }
    connections.closeAll(); // endgame duplicates, still reading pieces that are in now
    board.awaitNoWorkers();
    throwIfFailed();
  }

  /**
   * A resumed download trusted the pieces an earlier run left; now that all are in, the whole file
   * is checked, and pieces that fail are fetched again.
   */
  private void recheck() throws DownloadException, IOException, InterruptedException {
    BitSet bad = part.badPieces(manifest);
    if (!bad.isEmpty()) {
      log.warn("{} pieces of \"{}\" left by an earlier run are bad", bad.cardinality(), content);
      board.reopen(bad);
      journal.write();
      fetchMissing();
    }
  }

  /**
   * Starts {@code lanes} workers for {@code p}, each over its own connection; the last of them to
   * end puts the provider back in the pool, or drops it when one of them found it failing.
   */
  private void startWorkers(Provider p, int lanes) {
    Lanes shared = new Lanes(lanes);
    for (int i = 0; i < lanes; i++) {
      board.workerStarted();
      try {
        threads.execute(() -> work(p, shared));
      } catch (RuntimeException | Error e) {
        board.workerEnded(); // no thread: nobody else would count it as ended
        for (int k = i; k < lanes; k++) {
          endLane(p, shared, null);
        }
        throw e;
      }
    }
  }

  /** The workers of one provider: how many are still running, and the first failure among them. */
  private static final class Lanes {
    final int total;
    private int running;
    private String failure;

    Lanes(int total) {
      this.total = total;
      this.running = total;
    }
  }

  /** One worker for {@code p} ended, having found it failing for {@code why}, or not (null). */
  private void endLane(Provider p, Lanes lanes, String why) {
    String dropFor;
    synchronized (lanes) {
      if (why != null && lanes.failure == null) {
        lanes.failure = why;
      }
      if (--lanes.running > 0) {
        return;
      }
      dropFor = lanes.failure;
    }
    if (dropFor != null) {
      providers.drop(p, dropFor);
    } else {
      providers.putBack(p); // still good for a later pass
    }
  }

  /** A worker: fetches runs from {@code p} until none is left, the provider fails, or a stop. */
  private void work(Provider p, Lanes lanes) {
    String failing = null;
    RangeFetcher fetcher = null;
    try {
      if (!enlist()) {
        return; // the download is stopping
      }
      fetcher =
          new RangeFetcher(
              content, manifest, connections, board, verifier, limiter, received, takeBuffer());
      PieceRun run;
      while ((run = board.take(lanes.total == 1)) != null) {
        try {
          fetcher.fetch(p, run);
        } finally {
          board.release(run); // after the fetch, which returns only once its pieces are settled
        }
      }
    } catch (ProviderFailure f) {
      if (!board.isDone() && !failed()) {
        failing = f.getMessage();
      }
    } catch (InterruptedException e) {
      // the download is stopping
    } catch (RuntimeException | Error e) {
      log.error("download worker for {} failed", ProviderConnection.describe(p), e);
      fail(e);
    } finally {
      endLane(p, lanes, failing);
      discharge(fetcher == null ? null : fetcher.buffer());
      board.workerEnded();
    }
  }

  /** Counts the calling worker in, to be interrupted if the download stops; false if it has. */
  private synchronized boolean enlist() {
    if (failure != null) {
      return false;
    }
    workerThreads.add(Thread.currentThread());
    return true;
  }

  /** Counts the calling worker out; its piece buffer, if it got one, is kept for the next. */
  private synchronized void discharge(ByteBuffer buffer) {
    workerThreads.remove(Thread.currentThread());
    if (buffer != null) {
      spareBuffers.push(
          buffer); // every piece read into it is settled: the next worker reads into it
    }
  }

  /** A piece buffer for a worker: a dropped worker's, or a new one. */
  private ByteBuffer takeBuffer() {
    synchronized (this) {
      if (!spareBuffers.isEmpty()) {
        return spareBuffers.pop();
      }
    }
    return PartFile.newPieceBuffer();
  }

  @Override
  public boolean wanted(int piece) {
    return !board.allVerified(piece, piece + 1);
  }

  /**
   * Writes a verified piece once (the first verified copy wins, a later one is dropped), then
   * counts it on the board, in the resume record and in the progress. A whole piece the part file
   * takes by direct I/O goes with its buffer to the writer behind, and counts once it is written
   * ({@link #writeOutcome}); the reader goes on with a free buffer meanwhile. Anything else is
   * written here, through the page cache.
   */
  @Override
  public ByteBuffer verified(int piece, ByteBuffer data) throws IOException {
    if (!board.beginCommit(piece)) {
      return data; // another provider's copy is already in
    }
    long offset = manifest.pieceOffset(piece);
    if (writer != null && writer.takes(offset, data)) {
      return writer.writeBehind(piece, offset, data);
    }
    try {
      part.write(offset, data);
    } catch (IOException | RuntimeException e) {
      board.commitFailed(piece);
      throw e;
    }
    committed(piece);
    return data;
  }

  /** A verified piece is written: it counts from now on. */
  private void committed(int piece) {
    long verifiedBytes = board.commitDone(piece);
    journal.pieceVerified();
    reporter.verified(verifiedBytes);
  }

  /** What the writer behind reports, on its thread. */
  private PieceWriter.Outcome writeOutcome() {
    return new PieceWriter.Outcome() {
      @Override
      public void written(int piece) {
        committed(piece);
      }

      @Override
      public void dropped(int piece) {
        board.commitFailed(piece);
      }
    };
  }

  @Override
  public void rejected(int piece, ProviderConnection from) {
    reporter.rejected(piece, from.provider());
  }

  /**
   * The download cannot go on: keeps {@code t} as its failure unless one came first (then {@code t}
   * is most likely a consequence of it), stops the board and the hashing, and interrupts the
   * workers, which closes their connections. Returns the failure to throw. Any thread may call it.
   */
  private Throwable fail(Throwable t) {
    List<Thread> workers;
    Throwable first;
    synchronized (this) {
      if (failure == null) {
        failure = t;
      }
      first = failure;
      workers = List.copyOf(workerThreads);
    }
    if (board != null) {
      board.stop();
    }
    if (verifier != null) {
      verifier.skipRest();
    }
    workers.forEach(Thread::interrupt);
    connections.closeAll();
    return first;
  }

  private synchronized boolean failed() {
    return failure != null;
  }

  private void throwIfFailed() throws DownloadException, IOException, InterruptedException {
    Throwable f;
    synchronized (this) {
      f = failure;
    }
    if (f != null) {
      throw rethrow(f);
    }
  }

  /**
   * Ends the workers (each settles the pieces it read before it ends), then the writer behind
   * (which writes what it was handed, unless the disk failed), then the state writer: from here on
   * only the caller's thread touches the part file and the state. Safe to call twice.
   */
  private void endWork() {
    if (board != null) {
      board.awaitNoWorkers();
    }
    if (writer != null) {
      writer.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  /** After a failure: records what is verified, for a later run to resume from. */
  private void keepForResume(Throwable first) {
    if (journal != null) {
      try {
        journal.writeOnStop();
      } catch (IOException e) {
        first.addSuppressed(e);
      }
    }
    if (part != null) {
      try {
        part.close();
      } catch (IOException e) {
        first.addSuppressed(e);
      }
    }
  }

  /** Throws {@code t}, which is one of the failures a download may end with. */
  private static RuntimeException rethrow(Throwable t)
      throws DownloadException, IOException, InterruptedException {
    switch (t) {
      case DownloadException e -> throw e;
      case IOException e -> throw e;
      case InterruptedException e -> throw e;
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      default -> throw new IllegalStateException("download failed", t);
    }
  }
}
