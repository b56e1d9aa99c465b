package io.peershare.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.index.IndexEvents;
import io.peershare.metrics.MetricsServer;
import io.peershare.metrics.index.IndexMeters;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code --metrics} adds to each request the index answers: {@code answered} on a server
 * thread's own tally ({@link IndexMeters#forThread}: a counter by type and result, the time
 * histogram) against {@link IndexEvents#NONE}, from two threads at once as the server's two sockets
 * call it; and, for comparison, the same histogram as a Micrometer {@code Timer}, and {@link
 * IndexMeters#answered} itself (the shared tally, under its lock). Set beside the server's CPU per
 * reply ({@code bench/index-vs-echo.sh}: about 6.5 µs here) it gives the cost of metrics in the
 * index.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar IndexMetersBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class IndexMetersBenchmark {
  @State(Scope.Benchmark)
  public static class Meters {
    PrometheusMeterRegistry registry;
    IndexMeters meters;
    IndexEvents none = IndexEvents.NONE;
    Timer timer;

    @Setup(Level.Trial)
    public void setUp() {
      registry = MetricsServer.newRegistry();
      meters = new IndexMeters(registry);
      long[] ns = IndexMeters.bucketBoundsNanos();
      Duration[] buckets = new Duration[ns.length];
      for (int i = 0; i < ns.length; i++) {
        buckets[i] = Duration.ofNanos(ns[i]);
      }
      timer = Timer.builder("bench.timer").serviceLevelObjectives(buckets).register(registry);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      registry.close();
    }
  }

  /**
   * Each thread's own request, its times spread over the histogram's buckets, and its own tally as
   * a server thread has.
   */
  @State(Scope.Thread)
  public static class Request {
    long nanos = 1000;
    IndexEvents own;

    @Setup(Level.Trial)
    public void setUp(Meters m) {
      own = m.meters.forThread();
    }

    long next() {
      nanos = nanos * 7 % 2_000_003; // 1 µs to 2 ms, about evenly over the decades
      return nanos;
    }
  }

  @Benchmark
  public void none(Meters m, Request r) {
    m.none.answered(IndexType.LOCATE, null, false, r.next());
  }

  @Benchmark
  public void locateAnswered(Request r) {
    r.own.answered(IndexType.LOCATE, null, false, r.next());
  }

  @Benchmark
  public void registerRefused(Request r) {
    r.own.answered(IndexType.REGISTER, ErrorCode.NAME_TAKEN, false, r.next());
  }

  /**
   * Told the shared object, not a thread's own tally: what a caller off the server threads pays.
   */
  @Benchmark
  public void sharedLocked(Meters m, Request r) {
    m.meters.answered(IndexType.LOCATE, null, false, r.next());
  }

  /** The same histogram as a Micrometer {@code Timer} (the baseline the design is measured by). */
  @Benchmark
  public void micrometerTimer(Meters m, Request r) {
    m.timer.record(r.next(), TimeUnit.NANOSECONDS);
  }

  @Benchmark
  public void cacheHit(Request r) {
    r.own.answered(IndexType.LOCATE, null, true, 0);
  }
}
