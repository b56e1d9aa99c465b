package io.peershare.bench;

import io.peershare.index.ReplyCache;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The reply cache as the index uses it at line rate: every request is new (a fresh request id), so
 * each one is a lookup that misses and then an insert, in a cache of one server thread's size (32
 * MiB rings each) that has been written long enough for its table to be full of slots whose entries
 * the rings have overwritten, as it is after some seconds at line rate. 64 sources; S-sized
 * requests (41 bytes) and replies (95 bytes).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ReplyCacheBenchmark}
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplyCacheBenchmark {
  static final int SOURCES = 64;
  static final long NOW = 1_000;

  @State(Scope.Thread)
  public static class Cache {
    ReplyCache cache;
    InetSocketAddress[] sources = new InetSocketAddress[SOURCES];
    final byte[] request = new byte[41];
    final byte[] reply = new byte[95];
    final SplittableRandom random = new SplittableRandom(3);
    int id;

    @Setup(Level.Trial)
    public void fill() {
      cache = new ReplyCache(32 << 20, 32 << 20);
      for (int s = 0; s < SOURCES; s++) {
        sources[s] = new InetSocketAddress("127.1.0." + (s + 1), 40_000 + s);
      }
      random.nextBytes(request);
      request[0] = 'S';
      // 12 M inserts: the short ring wraps about 50 times and nearly every slot is written
      for (int i = 0; i < 12_000_000; i++) {
        findAndPut();
      }
    }

    boolean findAndPut() {
      InetSocketAddress from = sources[random.nextInt(SOURCES)];
      int rid = ++id;
      request[2] = (byte) (rid >>> 24);
      request[3] = (byte) (rid >>> 16);
      request[4] = (byte) (rid >>> 8);
      request[5] = (byte) rid;
      if (cache.find(from, request, 0, request.length, NOW)) {
        return true;
      }
      cache.put(from, request, request.length, reply, ReplyCache.SHORT_KEEP_MILLIS, NOW);
      return false;
    }
  }

  /** One new request: the lookup (a miss) and the insert of its reply. */
  @Benchmark
  public boolean missAndPut(Cache c) {
    return c.findAndPut();
  }
}
