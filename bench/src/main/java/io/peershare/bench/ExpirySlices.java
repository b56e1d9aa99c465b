package io.peershare.bench;

import io.peershare.index.MemoryRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The cost of one expiry slice, without sockets: a registry of 1,000,000 registrations all due at
 * once, swept as the server sweeps ({@code MemoryRegistry.sweep}: slices of at most {@code n}
 * registrations, the server's 1,024, and about half a millisecond), or with {@code --count-only} in
 * slices bounded by their count alone ({@code expire(now, n)}), until empty; prints the slices'
 * time (median, p99, max) and the whole sweep's, then the same per tenth of the sweep with the
 * names each tenth removed and the thread's CPU time: where in the sweep the slow slices are, and
 * whether the thread ran through them (work) or was set aside (the OS). Run three times in one JVM
 * (the first warms the JIT).
 *
 * <p>Run: {@code java -Xmx3g -cp bench/target/benchmarks.jar io.peershare.bench.ExpirySlices
 * [--count-only] [n]}
 */
public final class ExpirySlices {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ExpirySlices() {}

  public static void main(String[] args) throws Exception {
    boolean countOnly = Arrays.asList(args).contains("--count-only");
    int n =
        Arrays.stream(args)
            .filter(a -> !a.startsWith("--"))
            .mapToInt(Integer::parseInt)
            .findFirst()
            .orElse(1_024);
    for (int run = 1; run <= 3; run++) {
      MemoryRegistry r = RegistryBenchmark.filled(0);
      System.gc();
      int most = 2_000_000;
      long[] slices = new long[most];
      long[] at = new long[most];
      long[] cpu = new long[most];
      int[] names = new int[most];
      int k = 0;
      int namesBefore = r.counts().contents();
      long start = System.nanoTime();
      while (true) {
        long c = THREADS.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        at[k] = ManagementFactory.getRuntimeMXBean().getUptime();
        int done =
            countOnly ? r.expire(RegistryBenchmark.LEASE, n) : r.sweep(RegistryBenchmark.LEASE, n);
        if (done == 0) {
          break;
        }
        slices[k] = System.nanoTime() - t;
        cpu[k] = THREADS.getCurrentThreadCpuTime() - c;
        int namesNow = r.counts().contents();
        names[k++] = namesBefore - namesNow;
        namesBefore = namesNow;
      }
      long total = System.nanoTime() - start;
      long[] s = Arrays.copyOf(slices, k);
      Arrays.sort(s);
      System.out.printf(
          "run %d: %,d slices of at most %,d%s: median %.3f ms, p99 %.3f ms, max %.3f ms; whole sweep %.0f"
              + " ms (timing the slices' CPU adds to it)%n",
          run,
          k,
          n,
          countOnly ? "" : " and 0.5 ms (the server's sweep)",
          s[k / 2] / 1e6,
          s[(int) (k * 0.99)] / 1e6,
          s[k - 1] / 1e6,
          total / 1e6);
      StringBuilder slow = new StringBuilder();
      for (int i = 0, shown = 0; i < k && shown < 12; i++) {
        if (slices[i] > 1_000_000) {
          slow.append(String.format(" %.1f/%.1f@%d", slices[i] / 1e6, cpu[i] / 1e6, at[i]));
          shown++;
        }
      }
      System.out.println("  slices over 1 ms (wall/CPU ms @ JVM uptime ms):" + slow);
      for (int d = 0; d < 10; d++) {
        int from = k * d / 10;
        int to = k * (d + 1) / 10;
        long[] part = Arrays.copyOfRange(slices, from, to);
        int longest = from;
        int removed = 0;
        for (int i = from; i < to; i++) {
          removed += names[i];
          if (slices[i] > slices[longest]) {
            longest = i;
          }
        }
        Arrays.sort(part);
        System.out.printf(
            "  tenth %d: median %.3f ms, max %.3f ms (its CPU %.3f ms, %d names), names removed"
                + " per slice %.0f%n",
            d + 1,
            part[part.length / 2] / 1e6,
            slices[longest] / 1e6,
            cpu[longest] / 1e6,
            names[longest],
            removed / (double) (to - from));
      }
    }
  }
}
