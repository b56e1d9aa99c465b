package io.peershare.peer.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token bucket against a fake clock: what it books, never how fast anything really runs. */
class ByteRateLimiterTest {
  private long now = 1_000_000_000_000L;
  private final List<Long> waits = new ArrayList<>();

  private ByteRateLimiter limiter(long rate) {
    return new ByteRateLimiter(
        rate,
        () -> now,
        nanos -> {
          waits.add(nanos);
          now += nanos;
        });
  }

  @Test
  void unlimitedNeverWaits() throws InterruptedException {
    ByteRateLimiter l = limiter(0);
    l.acquire(Long.MAX_VALUE / 2);
    assertThat(waits).isEmpty();
    assertThat(ByteRateLimiter.unlimited().isUnlimited()).isTrue();
  }

  @Test
  void aBurstPassesThenTheRateHolds() throws InterruptedException {
    ByteRateLimiter l = limiter(1_000_000); // 1 MB/s: the burst is 100 ms = 100,000 bytes
    l.acquire(100_000);
    assertThat(waits).isEmpty();
    l.acquire(500_000);
    assertThat(waits).containsExactly(500_000_000L);
    for (int i = 0; i < 10; i++) {
      l.acquire(100_000);
    }
    // 1,600,000 bytes in all at 1 MB/s, with a 100 ms head start: 1.5 s of fake time
    assertThat(waits.stream().mapToLong(Long::longValue).sum()).isEqualTo(1_500_000_000L);
  }

  @Test
  void idleTimeIsSavedOnlyUpToTheBurst() throws InterruptedException {
    ByteRateLimiter l = limiter(1_000_000);
    l.acquire(100_000);
    now += 60_000_000_000L; // a minute idle
    l.acquire(100_000);
    assertThat(waits).isEmpty();
    l.acquire(100_000);
    assertThat(waits).containsExactly(100_000_000L);
  }

  @Test
  void callersAreServedInTheOrderTheyBook() {
    ByteRateLimiter l = limiter(1_000);
    long first = l.reserve(1_000);
    long second = l.reserve(1_000);
    long third = l.reserve(10);
    assertThat(first).isEqualTo(900_000_000L); // 1 s minus the 100 ms burst
    assertThat(second).isEqualTo(1_900_000_000L);
    assertThat(third).isEqualTo(1_910_000_000L);
  }

  @Test
  void rejectsNegatives() {
    assertThatThrownBy(() -> new ByteRateLimiter(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> limiter(10).acquire(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void realSleeperStopsWhenInterrupted() {
    ByteRateLimiter l = new ByteRateLimiter(1);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> l.acquire(1_000)).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }
}
