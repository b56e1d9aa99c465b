package io.peershare.bench;

import io.peershare.index.MemoryRegistry;
import java.util.Arrays;

/**
 * The cost of one expiry slice, without sockets: a registry of 1,000,000 registrations all due at
 * once, swept in slices of {@code n} (the server's is 1,024) until empty; prints the slices' time
 * (median, p99, max) and the whole sweep's. Run three times in one JVM (the first warms the JIT).
 *
 * <p>Run: {@code java -Xmx3g -cp bench/target/benchmarks.jar io.peershare.bench.ExpirySlices [n]}
 */
public final class ExpirySlices {
  private ExpirySlices() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_024;
    for (int run = 1; run <= 3; run++) {
      MemoryRegistry r = RegistryBenchmark.filled(0);
      System.gc();
      long[] slices = new long[2_000_000 / n + 2];
      int k = 0;
      long start = System.nanoTime();
      while (true) {
        long t = System.nanoTime();
        int done = r.expire(RegistryBenchmark.LEASE, n);
        slices[k++] = System.nanoTime() - t;
        if (done < n) {
          break;
        }
      }
      long total = System.nanoTime() - start;
      long[] s = Arrays.copyOf(slices, k);
      Arrays.sort(s);
      System.out.printf(
          "run %d: %,d slices of %,d: median %.3f ms, p99 %.3f ms, max %.3f ms; whole sweep %.0f"
              + " ms%n",
          run, k, n, s[k / 2] / 1e6, s[(int) (k * 0.99)] / 1e6, s[k - 1] / 1e6, total / 1e6);
    }
  }
}
