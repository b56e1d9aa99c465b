package io.peershare.bench;

import io.peershare.index.ForwardingRegistry;
import io.peershare.index.Registry;
import io.peershare.index.RegistryBatch;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;

/**
 * A registry that times, on the server's thread, what the server asks of it: every expiry slice
 * that removed something, and the gaps between one batch and the next. A request that arrives while
 * the server sweeps waits at most such a gap, whatever the client's own threads add to its round
 * trip: this is the server's side of {@link ExpiryStall}'s figures. One server thread only.
 */
final class TimedRegistry extends ForwardingRegistry {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private long lastApplyEnd;
  private long lastApplyEndCpu;
  private long lastApplyEndWait;
  private long longestGapWait;
  private long gapsOver5;
  private long gapsOver5Wait;
  private long gapsOver5Cpu;
  private long gapsOver5Time;
  private FileChannel schedstat;
  private final ByteBuffer stat = ByteBuffer.allocate(128);
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

  /** Every batch since {@link #count}: when its registry step started and ended. */
  private final long[] batchStart = new long[1 << 20];

  private final long[] batchEnd = new long[1 << 20];
  private int batches;

  /** Every slice since {@link #count} that removed something: when it started. */
  private final long[] sliceStart = new long[1 << 20];

  private int sliceCount;

  TimedRegistry(Registry inner) {
    super(inner);
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
    longestGapWait = 0;
    gapsOver5 = 0;
    gapsOver5Wait = 0;
    gapsOver5Cpu = 0;
    gapsOver5Time = 0;
    counting = true;
  }

  /**
   * The end of the registry step of the first batch that started at or after {@code t} ({@code
   * System.nanoTime}), or 0: a datagram in the socket by {@code t} was answered by then at the
   * latest (a batch takes every datagram waiting when it reads; the benchmark's are few).
   */
  synchronized long firstBatchEndAfter(long t) {
    int b = firstAtOrAfter(batchStart, batches, t);
    return b < batches ? batchEnd[b] : 0;
  }

  /**
   * How many slices started after {@code t} and before the first batch that started at or after it:
   * slices the server ran while a datagram that was in the socket by {@code t} waited. One is a
   * race (the datagram came just after the loop looked at the socket); more would be slices back to
   * back with a datagram waiting.
   */
  synchronized int slicesWhileWaiting(long t) {
    int b = firstAtOrAfter(batchStart, batches, t);
    long until = b < batches ? batchStart[b] : Long.MAX_VALUE;
    int n = 0;
    for (int i = firstAtOrAfter(sliceStart, sliceCount, t);
        i < sliceCount && sliceStart[i] < until;
        i++) {
      n++;
    }
    return n;
  }

  private static int firstAtOrAfter(long[] times, int count, long t) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** When the last slice that removed something ended ({@code System.nanoTime}), or 0. */
  synchronized long lastSliceEnd() {
    return lastSliceEnd;
  }

  /**
   * Slices, the longest slice and the longest gap between batches since {@link #count}, to be
   * formatted by {@link #describe}: the sender takes them at the jump and formats them later (a
   * format under this lock held the server's next batch back).
   */
  synchronized Object[] figures() {
    return new Object[] {
      slices,
      longestSlice / 1e6,
      longestSliceCpu / 1e6,
      longestGap / 1e6,
      longestGapCpu / 1e6,
      longestGapWait / 1e6,
      slicesInLongestGap,
      sliceTimeInLongestGap / 1e6,
      gapsOver5,
      gapsOver5Time / 1e6,
      gapsOver5Cpu / 1e6,
      gapsOver5Wait / 1e6
    };
  }

  /** {@link #figures} in words. */
  static String describe(Object[] figures) {
    return String.format(
        "%,d slices, longest %.3f ms (on CPU %.3f ms); longest gap between two batches %.3f ms,"
            + " of which the server's thread ran %.3f ms and waited for a CPU %.3f ms, in %d"
            + " slices of %.3f ms in all; %d gaps over 5 ms, %.1f ms in all: on CPU %.1f ms,"
            + " waiting for a CPU %.1f ms, the rest asleep",
        figures);
  }

  @Override
  public synchronized CompletionStage<Void> apply(RegistryBatch batch, long now) {
    long start = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    long wait = runDelay();
    if (counting && lastApplyEnd != 0 && start - lastApplyEnd > 5_000_000) {
      gapsOver5++;
      gapsOver5Time += start - lastApplyEnd;
      gapsOver5Cpu += cpu - lastApplyEndCpu;
      gapsOver5Wait += wait - lastApplyEndWait;
    }
    if (counting && lastApplyEnd != 0 && start - lastApplyEnd > longestGap) {
      longestGap = start - lastApplyEnd;
      longestGapCpu = cpu - lastApplyEndCpu;
      longestGapWait = wait - lastApplyEndWait;
      slicesInLongestGap = slicesInGap;
      sliceTimeInLongestGap = sliceTimeInGap;
    }
    slicesInGap = 0;
    sliceTimeInGap = 0;
    CompletionStage<Void> done = inner.apply(batch, now);
    lastApplyEnd = System.nanoTime();
    if (counting && batches < batchStart.length) {
      batchStart[batches] = start;
      batchEnd[batches++] = lastApplyEnd;
    }
    lastApplyEndCpu = THREADS.getCurrentThreadCpuTime();
    lastApplyEndWait = runDelay();
    return done;
  }

  /**
   * The server thread's time spent runnable but waiting for a CPU so far (ns, the second field of
   * {@code /proc/thread-self/schedstat}), or 0 where that cannot be read. Called on the server's
   * thread only.
   */
  private long runDelay() {
    try {
      if (schedstat == null) {
        schedstat = FileChannel.open(Path.of("/proc/thread-self/schedstat"));
      }
      stat.clear();
      schedstat.read(stat, 0);
      long v = 0;
      int field = 0;
      for (int i = 0; i < stat.position(); i++) {
        byte b = stat.get(i);
        if (b == ' ') {
          if (++field == 2) {
            break;
          }
          v = 0;
        } else if (b >= '0' && b <= '9') {
          v = v * 10 + (b - '0');
        }
      }
      return v;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  @Override
  public synchronized int sweep(long now, int max) {
    long start = System.nanoTime();
    long cpu = THREADS.getCurrentThreadCpuTime();
    int n = inner.sweep(now, max);
    if (counting && n > 0) {
      slices++;
      if (sliceCount < sliceStart.length) {
        sliceStart[sliceCount++] = start;
      }
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
}
