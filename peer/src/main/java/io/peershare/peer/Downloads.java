package io.peershare.peer;

import io.peershare.peer.download.ProgressListener;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexMessage.Provider;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The downloads a peer runs: those under way, with their progress and rate (for the status page),
 * and counts since the peer started (for metrics). It sees a download only through the {@link
 * ProgressListener} it wraps around the caller's, so it does not care how the download is done.
 * Thread-safe.
 */
public final class Downloads {
  /** The rate of a download is measured over this much of its recent past. */
  static final long RATE_WINDOW_NANOS = 5_000_000_000L;

  /**
   * A download under way.
   *
   * @param size its size in bytes, or -1 while its providers are still being looked up
   * @param verified bytes fetched and verified so far (resumed ones included)
   * @param bytesPerSecond verified bytes per second over the last few seconds
   * @param seconds how long it has been running
   */
  public record Active(
      ContentName content, long size, long verified, long bytesPerSecond, long seconds) {}

  private final LongSupplier nanoTime;
  private final Set<Tracker> active = ConcurrentHashMap.newKeySet();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder pieceFailures = new LongAdder();

  public Downloads() {
    this(System::nanoTime);
  }

  Downloads(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * A download of {@code content} begins: returns the listener to give the downloader, which tells
   * {@code caller} everything too. Call {@link #end} with it when the download returns.
   */
  public ProgressListener begin(ContentName content, ProgressListener caller) {
    Tracker t = new Tracker(content, caller, nanoTime.getAsLong());
    active.add(t);
    return t;
  }

  /** The download {@code listener} was begun for has ended, well or not. */
  public void end(ProgressListener listener, boolean ok) {
    if (listener instanceof Tracker t && active.remove(t)) {
      (ok ? succeeded : failed).increment();
    }
  }

  /** Downloads under way, oldest first. */
  public List<Active> active() {
    long now = nanoTime.getAsLong();
    List<Tracker> all = new ArrayList<>(active);
    all.sort(Comparator.comparingLong(t -> t.began));
    List<Active> list = new ArrayList<>(all.size());
    for (Tracker t : all) {
      list.add(t.snapshot(now));
    }
    return list;
  }

  /** Bytes fetched and verified by this peer's downloads (not those a resumed run had). */
  public long bytesDownloaded() {
    return bytes.sum();
  }

  /** Downloads that ended with the file verified and in place. */
  public long succeeded() {
    return succeeded.sum();
  }

  /** Downloads that ended otherwise (no provider, bad data, interrupted, disk full...). */
  public long failed() {
    return failed.sum();
  }

  /** Pieces that arrived with a wrong hash. */
  public long pieceFailures() {
    return pieceFailures.sum();
  }

  private final class Tracker implements ProgressListener {
    private final ContentName content;
    private final ProgressListener caller;
    private final long began;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {nanos, verified}, guarded
    private long size = -1; // guarded by this
    private long verified; // guarded by this

    Tracker(ContentName content, ProgressListener caller, long began) {
      this.content = content;
      this.caller = caller;
      this.began = began;
    }

    @Override
    public void started(ContentName name, long total, long alreadyVerified) {
      synchronized (this) {
        size = total;
        verified = alreadyVerified;
        samples.add(new long[] {nanoTime.getAsLong(), alreadyVerified});
      }
      caller.started(name, total, alreadyVerified);
    }

    @Override
    public void progress(long verifiedBytes, long totalBytes) {
      synchronized (this) {
        if (verifiedBytes > verified) {
          bytes.add(verifiedBytes - verified);
          verified = verifiedBytes;
          long now = nanoTime.getAsLong();
          samples.add(new long[] {now, verifiedBytes});
          // drop samples the window has passed, but one: it tells where the window starts
          while (samples.size() > 2 && now - second()[0] >= RATE_WINDOW_NANOS) {
            samples.removeFirst();
          }
        }
      }
      caller.progress(verifiedBytes, totalBytes);
    }

    @Override
    public void received(long n) {
      caller.received(n);
    }

    @Override
    public void pieceRejected(int piece, Provider provider) {
      pieceFailures.increment();
      caller.pieceRejected(piece, provider);
    }

    @Override
    public void finished(Path file) {
      caller.finished(file);
    }

    @Override
    public void failed(Exception cause) {
      caller.failed(cause);
    }

    private long[] second() {
      Iterator<long[]> it = samples.iterator();
      it.next();
      return it.next();
    }

    synchronized Active snapshot(long now) {
      long rate = 0;
      long[] first = samples.peekFirst();
      if (first != null) {
        long from = Math.max(first[0], now - RATE_WINDOW_NANOS);
        double base = first[1];
        long[] before = first;
        for (long[] s : samples) {
          if (s[0] <= from) {
            before = s;
            base = s[1];
          } else { // the window starts between two samples: take the straight line between them
            base =
                before[1] + (s[1] - before[1]) * (double) (from - before[0]) / (s[0] - before[0]);
            break;
          }
        }
        long elapsed = now - from;
        if (elapsed > 0) {
          rate = Math.round((verified - base) * 1e9 / elapsed);
        }
      }
      return new Active(content, size, verified, rate, (now - began) / 1_000_000_000L);
    }
  }
}
