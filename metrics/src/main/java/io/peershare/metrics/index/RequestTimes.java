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
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code peershare_index_request_seconds}: time inside the index server per request, a histogram by
 * type with fixed buckets. Each bucket, and the sum, is a {@link LongAdder}, so two server threads
 * recording at once touch cells of their own: a record is a short scan of the bounds and two adds.
 * (A Micrometer {@code Timer} with these buckets records into shared atomic arrays, a time-window
 * max and a second histogram: about 190 ns a record from two threads here, 15 times this.) Read by
 * the Prometheus client's own model ({@link HistogramSnapshot}) and written by its exposition
 * writer, beside Micrometer's meters in the same registry.
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

  private final List<String> types;
  private final LongAdder[] buckets; // [type * (BOUNDS.length + 1) + bucket], the last is +Inf
  private final LongAdder[] sums;

  RequestTimes(List<String> types) {
    this.types = List.copyOf(types);
    buckets = new LongAdder[types.size() * (BOUNDS.length + 1)];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
    sums = new LongAdder[types.size()];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = new LongAdder();
    }
  }

  /** One request of type slot {@code t} took {@code nanos}. */
  void record(int t, long nanos) {
    int b = 0;
    while (b < BOUNDS.length && nanos > BOUNDS[b]) {
      b++;
    }
    buckets[t * (BOUNDS.length + 1) + b].increment();
    sums[t].add(nanos);
  }

  @Override
  public MetricSnapshot collect() {
    List<HistogramDataPointSnapshot> points = new ArrayList<>(types.size());
    for (int t = 0; t < types.size(); t++) {
      long[] counts = new long[BOUNDS.length + 1];
      for (int b = 0; b <= BOUNDS.length; b++) {
        counts[b] = buckets[t * (BOUNDS.length + 1) + b].sum();
      }
      points.add(
          new HistogramDataPointSnapshot(
              ClassicHistogramBuckets.of(BOUNDS_SECONDS, counts),
              sums[t].sum() / 1e9,
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

  private static double[] boundsSeconds() {
    double[] s = new double[BOUNDS.length + 1];
    for (int i = 0; i < BOUNDS.length; i++) {
      s[i] = BOUNDS[i] / 1e9;
    }
    s[BOUNDS.length] = Double.POSITIVE_INFINITY;
    return s;
  }
}
