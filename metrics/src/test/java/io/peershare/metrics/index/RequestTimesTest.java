package io.peershare.metrics.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestTimesTest {
  /** The bucket by definition: the first whose bound is at least the time, else +Inf. */
  private static int byScan(long nanos) {
    int b = 0;
    while (b < RequestTimes.BOUNDS.length && nanos > RequestTimes.BOUNDS[b]) {
      b++;
    }
    return b;
  }

  @Test
  void theBucketFoundInConstantTimeIsTheOneAScanFinds() {
    List<Long> times = new ArrayList<>(List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    for (long bound : RequestTimes.BOUNDS) {
      times.addAll(List.of(bound - 1, bound, bound + 1, 2 * bound, bound / 2));
    }
    for (int bits = 0; bits < 63; bits++) {
      times.addAll(List.of((1L << bits) - 1, 1L << bits, (1L << bits) + 1));
    }
    SplittableRandom random = new SplittableRandom(15);
    for (int i = 0; i < 100_000; i++) {
      times.add(random.nextLong(1L << random.nextInt(1, 63)));
    }
    for (long nanos : times) {
      assertThat(RequestTimes.bucket(nanos)).as("bucket of %d ns", nanos).isEqualTo(byScan(nanos));
    }
    assertThat(RequestTimes.bucket(RequestTimes.BOUNDS[0])).isZero();
    assertThat(RequestTimes.bucket(Long.MAX_VALUE)).isEqualTo(RequestTimes.BOUNDS.length);
  }
}
