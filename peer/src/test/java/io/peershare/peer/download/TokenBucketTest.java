package io.peershare.peer.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void letsABurstThroughThenMakesTheCallerWaitOutTheDebt() {
    TokenBucket bucket = new TokenBucket(1 << 20, now::get); // 1 MiB/s, burst 104,857 bytes

    assertThat(bucket.reserve(100_000)).isZero();
    assertThat(bucket.reserve(104_857)).isEqualTo(95_367_432L); // 100,000 bytes short at 1 MiB/s
  }

  @Test
  void refillsWithTimeUpToTheBurst() {
    TokenBucket bucket = new TokenBucket(1_000_000, now::get); // burst 100,000

    assertThat(bucket.reserve(100_000)).isZero();
    now.addAndGet(50_000_000); // 50 ms: 50,000 bytes
    assertThat(bucket.reserve(50_000)).isZero();
    now.addAndGet(10_000_000_000L); // long idle: still only the burst
    assertThat(bucket.reserve(100_000)).isZero();
    assertThat(bucket.reserve(1_000)).isEqualTo(1_000_000L);
  }
}
