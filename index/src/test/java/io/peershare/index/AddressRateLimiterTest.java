package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRateLimiterTest {
  private static final InetAddress A = InetAddress.getLoopbackAddress();

  private static InetAddress ip(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
  }

  @Test
  void theDefaultLetsOneAddressMakeTenThousandRequestsInOneSecond() {
    AddressRateLimiter r = new AddressRateLimiter(AddressRateLimiter.DEFAULT_PER_SECOND, 10);
    int allowed = 0;
    for (int i = 0; i < 10_000; i++) {
      if (r.tryAcquire(A, i / 10)) { // 10,000 spread over 1,000 ms
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(10_000);
  }

  @Test
  void aFloodIsCutAtTheRateAndRefills() throws Exception {
    AddressRateLimiter r = new AddressRateLimiter(100, 10);
    int allowed = 0;
    for (int i = 0; i < 1000; i++) {
      if (r.tryAcquire(A, 0)) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(100);
    assertThat(r.tryAcquire(ip(1), 0)).isTrue(); // others are not affected
    assertThat(r.tryAcquire(A, 9)).isFalse();
    assertThat(r.tryAcquire(A, 10)).isTrue(); // 10 ms = 1 token
  }

  @Test
  void memoryIsBoundedBySources() throws Exception {
    AddressRateLimiter r = new AddressRateLimiter(100, 50);
    for (int i = 0; i < 1000; i++) {
      r.tryAcquire(ip(i), 0);
    }
    assertThat(r.sources()).isEqualTo(50);
  }

  @Test
  void zeroTurnsItOff() {
    AddressRateLimiter r = new AddressRateLimiter(0, 1);
    for (int i = 0; i < 100; i++) {
      assertThat(r.tryAcquire(A, 0)).isTrue();
    }
  }
}
