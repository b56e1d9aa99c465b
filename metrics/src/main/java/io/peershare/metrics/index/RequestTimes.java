package io.peershare.metrics.index;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * {@code peershare_index_request_seconds}: time inside the index server per request, a histogram by
 * type with fixed buckets. Each server thread counts its requests' buckets and sum in its own
 * {@link Tally}: a record is a bucket found in constant time and two plain adds. (A Micrometer
 * {@code Timer} with these buckets records into shared atomic arrays, a time-window max and a
 * second histogram, several times the cost from two threads.) Read by the Prometheus client's own
 * model ({@link HistogramSnapshot}) and written by its exposition writer, beside Micrometer's
 * meters in the same registry.
 */
final class RequestTimes implements Collector {
  static final String NAME = "peershare_index_request_seconds";

  /** Upper bounds in nanoseconds: from a cache-warm H (10 µs) to a stalled batch (1 s). */
  static final long[] BOUNDS = {
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
    250_000_000,
    1_000_000_000,
  };

  private static final double[] BOUNDS_SECONDS = boundsSeconds();

  /**
   * By bit length of a time (0 to 64): the first bucket a time of that length can fall in. No two
   * bounds are less than a factor of 2 apart, so the next bound up is the only other candidate.
   */
  private static final int[] FIRST = firstBuckets();

  /** {@link #BOUNDS} and, for +Inf, the largest long: the bound {@link #bucket} compares with. */
  private static final long[] UPPER = upperBounds();

  private final List<String> types;
  private final IntToLongFunction counter;

  /**
   * @param counter a counter of all threads' tallies by its place ({@link Tally#TIMES}...)
   */
  RequestTimes(List<String> types, IntToLongFunction counter) {
    this.types = List.copyOf(types);
    this.counter = counter;
  }

  /**
   * The bucket of a time: the first whose bound is at least {@code nanos}, or {@code BOUNDS.length}
   * (+Inf); in constant time, from the time's bit length.
   */
  static int bucket(long nanos) {
    int b = FIRST[64 - Long.numberOfLeadingZeros(nanos)];
    return nanos > UPPER[b] ? b + 1 : b;
  }

  @Override
  public MetricSnapshot collect() {
    List<HistogramDataPointSnapshot> points = new ArrayList<>(types.size());
    for (int t = 0; t < types.size(); t++) {
      long[] counts = new long[Tally.BUCKETS];
      for (int b = 0; b < Tally.BUCKETS; b++) {
        counts[b] = counter.applyAsLong(Tally.TIMES + t * Tally.BUCKETS + b);
      }
      points.add(
          new HistogramDataPointSnapshot(
              ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts),
              counter.applyAsLong(Tally.TIME_SUMS + t) / 1e9,
              Labels.of("type", types.get(t)),
              Exemplars.EMPTY,
              0L));
    }
    return new HistogramSnapshot(
        new MetricMetadata(
            NAME,
            "Time inside the index server per request, from its batch read to its reply",
            Unit.SECONDS),
        points);
  }

  private static int[] firstBuckets() {
    for (int b = 1; b < BOUNDS.length; b++) {
      if (BOUNDS[b] < 2 * BOUNDS[b - 1]) {
        throw new AssertionError("bounds less than a factor of 2 apart: " + BOUNDS[b]);
      }
    }
    int[] first = new int[65];
    for (int bits = 0; bits <= 64; bits++) {
      // the smallest time of that length: 0, then 2^(bits - 1) (for 64 bits, a negative long)
      long smallest = bits == 0 ? 0 : bits == 64 ? Long.MIN_VALUE : 1L << (bits - 1);
      int b = 0;
      while (b < BOUNDS.length && smallest > BOUNDS[b]) {
        b++;
      }
      first[bits] = bits == 64 ? 0 : b;
    }
    return first;
  }

  private static long[] upperBounds() {
    long[] upper = Arrays.copyOf(BOUNDS, BOUNDS.length + 1);
    upper[BOUNDS.length] = Long.MAX_VALUE;
    return upper;
  }

  private static double[] boundsSeconds() {
    double[] s = new double[BOUNDS.length + 1];
    for (int i = 0; i < BOUNDS.length; i++) {
      s[i] = BOUNDS[i] / 1e9;
    }
    s[BOUNDS.length] = Double.POSITIVE_INFINITY;
    return s;
  }
}
