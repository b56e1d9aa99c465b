package io.peershare.peer.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How large each zero-copy send of an answer is, from the pace its reader has shown. */
class SendPaceTest {
  private static final Duration IDLE = Duration.ofSeconds(30);
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final SendPace pace = new SendPace(IDLE, clock::get);

  /** One call of the size the pace asks for, taking as long as a reader at bytesPerSecond needs. */
  private int call(double bytesPerSecond) {
    int n = pace.next(Long.MAX_VALUE);
    clock.addAndGet((long) (n / bytesPerSecond * 1e9));
    pace.sent(n);
    return n;
  }

  @Test
  void startsWithTheSmallCallsAReaderOfUnknownPaceGets() {
    assertThat(pace.next(Long.MAX_VALUE)).isEqualTo(SendPace.SMALLEST);
  }

  @Test
  void aFastReaderGetsWholeFramesOnceMoreThanTheBuffersCanHoldHasGone() {
    long sent = 0;
    int n;
    do {
      n = call(800e6);
      sent += n;
      if (sent <= SendPace.SLACK) {
        // what the socket buffers took in says nothing of the reader's pace
        assertThat(n).isEqualTo(SendPace.SMALLEST);
      }
    } while (n < SendPace.LARGEST);
    // one small call past the buffers' worth shows the pace
    assertThat(sent - n).isLessThanOrEqualTo(SendPace.SLACK + SendPace.SMALLEST);
    for (int i = 0; i < 20; i++) {
      assertThat(call(800e6)).isEqualTo(SendPace.LARGEST);
    }
  }

  @Test
  void bytesTheBuffersTookInAtOnceDoNotCountAsPace() {
    // the first SLACK bytes vanish into socket buffers in no time at all
    for (long sent = 0; sent < SendPace.SLACK; ) {
      int n = pace.next(Long.MAX_VALUE);
      pace.sent(n);
      sent += n;
    }
    // then the reader drains 64 KiB per second: 240 KiB in an eighth of the idle timeout
    for (int i = 0; i < 40; i++) {
      assertThat(call(64 << 10)).isEqualTo(SendPace.SMALLEST);
    }
  }

  @Test
  void aModerateReaderGetsCallsItFinishesInAnEighthOfTheIdleTimeout() {
    double bytesPerSecond = 200_000; // 3.75 s of it: 750 KB
    for (int i = 0; i < 200; i++) {
      int n = call(bytesPerSecond);
      assertThat(n).isBetween(SendPace.SMALLEST, SendPace.LARGEST).isEqualTo(n / 65536 * 65536);
      assertThat(n / bytesPerSecond).isLessThanOrEqualTo(IDLE.toSeconds() / 8.0);
    }
    assertThat(call(bytesPerSecond)).isGreaterThan(SendPace.SMALLEST);
  }

  @Test
  void neverAsksForMoreThanIsLeft() {
    assertThat(pace.next(1000)).isEqualTo(1000);
    for (int i = 0; i < 100; i++) {
      call(1e9);
    }
    assertThat(pace.next(5)).isEqualTo(5);
  }

  @Test
  void aShortIdleTimeoutKeepsCallsSmall() {
    SendPace strict = new SendPace(Duration.ofMillis(80), clock::get);
    for (int i = 0; i < 200; i++) {
      int n = strict.next(Long.MAX_VALUE);
      clock.addAndGet((long) (n / 20e6 * 1e9)); // 20 MB/s: 200 KB per 10 ms budget
      strict.sent(n);
    }
    assertThat(strict.next(Long.MAX_VALUE)).isEqualTo(SendPace.SMALLEST);
  }
}
