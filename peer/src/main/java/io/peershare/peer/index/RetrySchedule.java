package io.peershare.peer.index;

import java.time.Duration;
import java.util.List;

/**
 * How long to wait for a reply after each send: one send per wait, the same datagram each time,
 * giving up when the last wait runs out.
 *
 * @param waits at least one, each positive
 */
public record RetrySchedule(List<Duration> waits) {
  public RetrySchedule {
    waits = List.copyOf(waits);
    if (waits.isEmpty()) {
      throw new IllegalArgumentException("a retry schedule needs at least one wait");
    }
    for (Duration d : waits) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("waits must be positive");
      }
    }
  }

  /** The spec's: resend after 250 ms, 500 ms, 1 s, 2 s, give up 4 s after the fifth send. */
  public static RetrySchedule standard() {
    return new RetrySchedule(
        List.of(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4)));
  }

  /** How many times a request is sent. */
  public int tries() {
    return waits.size();
  }

  /** The time from the first send to giving up: 7.75 s for the standard schedule. */
  public Duration total() {
    return waits.stream().reduce(Duration.ZERO, Duration::plus);
  }
}
