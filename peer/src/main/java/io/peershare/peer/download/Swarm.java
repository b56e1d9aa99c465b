package io.peershare.peer.download;

import io.peershare.peer.download.PieceBoard.PieceRun;
import io.peershare.peer.rate.ByteRateLimiter;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.Manifest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one download and the workers fetching from them: one virtual thread per
 * provider, at most {@code maxSources} at once. A provider that fails is dropped for the rest of
 * the download and a fresh one takes its place; when none is left, the index is asked again, up to
 * {@code maxLocateRounds} times in all.
 */
final class Swarm {
  private static final Logger log = LoggerFactory.getLogger(Swarm.class);

  private final DownloadOptions options;
  private final ContentName content;
  private final long size;
  private final Digest digest;
  private final ProviderSource source;
  private final Connector connector;
  private final Deque<Provider> candidates = new ArrayDeque<>();
  private final Set<InetSocketAddress> known = new HashSet<>();
  private final Set<InetSocketAddress> dropped = new HashSet<>();
  private final LongAdder received = new LongAdder();
  private int rounds = 1;
  private String lastReason;

  Swarm(
      DownloadOptions options,
      ContentName content,
      Providers first,
      ProviderSource source,
      Connector connector) {
    this.options = options;
    this.content = content;
    this.size = first.size();
    this.digest = first.digest();
    this.source = source;
    this.connector = connector;
    addAll(first);
  }

  /** The manifest, from the first provider that gives a good one. */
  Manifest fetchManifest() throws DownloadException, IOException, InterruptedException {
    while (true) {
      Provider p = nextCandidate();
      try {
        Manifest m =
            interruptibly(() -> ManifestFetcher.fetch(connector, p, content, digest, size));
        synchronized (this) {
          candidates.addFirst(p); // it answered well: let it serve pieces too
        }
        return m;
      } catch (ProviderFailure f) {
        drop(p, f.getMessage());
      }
    }
  }

  /**
   * Runs a blocking fetch on a virtual thread, so that an interrupt of the calling (perhaps
   * platform) thread ends it at once by closing its socket.
   */
  private Manifest interruptibly(Callable<Manifest> fetch)
      throws ProviderFailure, InterruptedException {
    try (ExecutorService one = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Manifest> f = one.submit(fetch);
      try {
        return f.get();
      } catch (InterruptedException e) {
        connector.closeAll();
        f.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof ProviderFailure pf) {
          throw pf;
        }
        throw new IllegalStateException("manifest fetch failed", e.getCause());
      }
    } finally {
      connector.reopen();
    }
  }

  /** Fetches every piece the board still lacks; returns when all are verified. */
  void run(
      PieceBoard board, Manifest manifest, ByteRateLimiter limiter, RangeFetcher.PieceSink sink)
      throws DownloadException, IOException, InterruptedException {
    connector.reopen();
    // platform threads (at most 16): a blocking read costs one system call, where a virtual
    // thread parks and unparks through the poller each time the socket runs dry (measured on
    // 2 cores, 1 GiB from one source: 657-738 -> 760-857 MB/s, 3.0 -> 2.55 CPU-s)
    ExecutorService workers =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("fetch-", 0).factory());
    try {
      int seenEnded = 0;
      while (!board.isDone()) {
        while (board.activeWorkers() < options.maxSources() && hasCandidate()) {
          Provider p = nextCandidate();
          RangeFetcher fetcher =
              new RangeFetcher(content, manifest, connector, board, limiter, received, sink);
          board.workerStarted();
          workers.execute(() -> work(p, board, fetcher));
        }
        if (board.activeWorkers() == 0) {
          relocate(); // throws when nobody new is left
          continue;
        }
        seenEnded = board.awaitChange(seenEnded);
        Throwable failure = board.failure();
        if (failure != null && !board.isDone()) {
          throw failure instanceof IOException io ? io : new IOException(failure);
        }
      }
    } catch (InterruptedException | DownloadException | IOException | RuntimeException e) {
      board.fail(e);
      workers.shutdownNow();
      throw e;
    } finally {
      connector.closeAll(); // ends endgame duplicates still reading
      workers.close();
    }
  }

  private void work(Provider p, PieceBoard board, RangeFetcher fetcher) {
    boolean failed = false;
    try {
      PieceRun run;
      while ((run = board.take()) != null) {
        try {
          fetcher.fetch(p, run);
        } finally {
          board.release(run);
        }
      }
    } catch (ProviderFailure f) {
      if (!board.isDone() && board.failure() == null) {
        failed = true;
        drop(p, f.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the download is being stopped
    } catch (IOException e) {
      board.fail(e); // the local disk failed: no provider can help
    } catch (RuntimeException e) {
      log.error("download worker for {} failed", Connector.describe(p), e);
      board.fail(e);
    } finally {
      if (!failed) {
        synchronized (this) {
          candidates.addLast(p); // still good for a later pass
        }
      }
      board.workerEnded();
    }
  }

  private synchronized boolean hasCandidate() {
    return !candidates.isEmpty();
  }

  /** The next provider to try, asking the index again when none is left. */
  private Provider nextCandidate() throws DownloadException, IOException {
    while (true) {
      synchronized (this) {
        if (!candidates.isEmpty()) {
          return candidates.pollFirst();
        }
      }
      relocate();
    }
  }

  /** Asks the index for providers not tried yet, or fails when the rounds are used up. */
  private void relocate() throws DownloadException, IOException {
    if (rounds >= options.maxLocateRounds()) {
      throw exhausted();
    }
    rounds++;
    Providers again = source.locate(options.maxSources());
    if (again.size() != size || !again.digest().equals(digest)) {
      throw new DownloadException(
          ErrorCode.CONFLICT,
          "The content \"" + content + "\" changed on the index while it was downloading.");
    }
    if (addAll(again) == 0) {
      throw exhausted();
    }
  }

  private synchronized int addAll(Providers found) {
    int added = 0;
    for (Provider p : found.providers()) {
      InetSocketAddress key = new InetSocketAddress(p.address(), p.tcpPort());
      if (known.add(key)) {
        candidates.addLast(p);
        added++;
      }
    }
    return added;
  }

  private synchronized void drop(Provider p, String reason) {
    dropped.add(new InetSocketAddress(p.address(), p.tcpPort()));
    lastReason = reason;
    log.info("dropping {} for \"{}\": {}", Connector.describe(p), content, reason);
  }

  private synchronized DownloadException exhausted() {
    if (dropped.isEmpty()) {
      return new DownloadException(
          ErrorCode.NOT_FOUND, "No provider of \"" + content + "\" is online right now.");
    }
    return new DownloadException(
        "All " + dropped.size() + " providers of \"" + content + "\" failed: " + lastReason + ".");
  }

  /** The bytes of the file received from providers so far, counted as they arrived. */
  long receivedBytes() {
    return received.sum();
  }
}
