package io.peershare.peer.download;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves a second on every reading, so every time-batched step happens at once. */
final class TickingClock extends Clock {
  private final AtomicLong millis = new AtomicLong();

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis.addAndGet(1000);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
