package io.peershare.bench;

import io.peershare.index.Registry;
import io.peershare.index.RegistryBatch;
import io.peershare.index.RegistryException;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

/**
 * A registry that times, on the server's thread, what the server asks of it: every expiry slice
 * that removed something, and the gaps between one batch and the next. A request that arrives while
 * the server sweeps waits at most such a gap, whatever the client's own threads add to its round
 * trip: this is the server's side of {@link ExpiryStall}'s figures. One server thread only.
 */
final class TimedRegistry implements Registry {
  private final Registry inner;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long lastApplyEnd;
  private long lastApplyEndCpu;
  private long longestGapCpu;
  private volatile boolean counting;
  private long slices;
  private long longestSlice;
  private long longestSliceCpu;
  private int slicesInGap;
  private int slicesInLongestGap;
  private long sliceTimeInGap;
  private long sliceTimeInLongestGap;
  private long longestGap;
  private long lastSliceEnd;

  TimedRegistry(Registry inner) {
    this.inner = inner;
  }

  /** Starts counting afresh from now on (what was counted before is forgotten). */
  synchronized void count() {
    slices = 0;
    longestSlice = 0;
    longestSliceCpu = 0;
    slicesInLongestGap = 0;
    sliceTimeInLongestGap = 0;
    longestGap = 0;
    lastApplyEnd = 0;
    longestGapCpu = 0;
    counting = true;
  }

  /** When the last slice that removed something ended ({@code System.nanoTime}), or 0. */
  synchronized long lastSliceEnd() {
    return lastSliceEnd;
  }

  /** Slices, the longest slice and the longest gap between batches since {@link #count}. */
  synchronized String summary() {
    return String.format(
        "%,d slices, longest %.3f ms (on CPU %.3f ms); longest gap between two batches %.3f ms,"
            + " of which the server's thread ran %.3f ms, in %d slices of %.3f ms in all",
        slices,
        longestSlice / 1e6,
        longestSliceCpu / 1e6,
        longestGap / 1e6,
        longestGapCpu / 1e6,
        slicesInLongestGap,
        sliceTimeInLongestGap / 1e6);
  }

  @Override
  public synchronized CompletionStage<Void> apply(RegistryBatch batch, long now) {
    long start = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    if (counting && lastApplyEnd != 0 && start - lastApplyEnd > longestGap) {
      longestGap = start - lastApplyEnd;
      longestGapCpu = cpu - lastApplyEndCpu;
      slicesInLongestGap = slicesInGap;
      sliceTimeInLongestGap = sliceTimeInGap;
    }
    slicesInGap = 0;
    sliceTimeInGap = 0;
    CompletionStage<Void> done = inner.apply(batch, now);
    lastApplyEnd = System.nanoTime();
    lastApplyEndCpu = THREADS.getCurrentThreadCpuTime();
    return done;
  }

  @Override
  public synchronized int sweep(long now, int max) {
    long start = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    int n = inner.sweep(now, max);
    if (counting && n > 0) {
      slices++;
      lastSliceEnd = System.nanoTime();
      slicesInGap++;
      sliceTimeInGap += lastSliceEnd - start;
      if (lastSliceEnd - start > longestSlice) {
        longestSlice = lastSliceEnd - start;
        longestSliceCpu = THREADS.getCurrentThreadCpuTime() - cpu;
      }
    }
    return n;
  }

  @Override
  public int expire(long now, int max) {
    return inner.expire(now, max);
  }

  @Override
  public void register(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now)
      throws RegistryException {
    inner.register(peer, ip, content, tcpPort, size, digest, now);
  }

  @Override
  public void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException {
    inner.deregister(peer, ip, content, now);
  }

  @Override
  public int quit(PeerName peer, InetAddress ip, long now) {
    return inner.quit(peer, ip, now);
  }

  @Override
  public void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException {
    inner.keepalive(peer, ip, now);
  }

  @Override
  public Located locate(ContentName content, int max, long now) throws RegistryException {
    return inner.locate(content, max, now);
  }

  @Override
  public Page list(String after, String filter, int maxBytes, int maxEntries, long now) {
    return inner.list(after, filter, maxBytes, maxEntries, now);
  }

  @Override
  public int size() {
    return inner.size();
  }

  @Override
  public long leaseMillis() {
    return inner.leaseMillis();
  }
}
