package io.peershare.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock tests move: by hand ({@link #advance}), or by a step at every reading ({@link #ticking}).
 * Safe to read from any thread, e.g. a server's.
 */
public final class TestClock extends Clock {
  private final AtomicLong millis;
  private final long stepMillis;

  private TestClock(long startMillis, long stepMillis) {
    this.millis = new AtomicLong(startMillis);
    this.stepMillis = stepMillis;
  }

  /** A clock standing at {@code startMillis} until a test moves it. */
  public TestClock(long startMillis) {
    this(startMillis, 0);
  }

  /** A clock standing at 1,000,000 ms until a test moves it. */
  public TestClock() {
    this(1_000_000);
  }

  /**
   * A clock that moves {@code step} at every reading, starting from 0: the first reading is {@code
   * step}. Whatever code batches by time (progress reports, state writes) then acts at every call.
   */
  public static TestClock ticking(Duration step) {
    return new TestClock(0, step.toMillis());
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  @Override
  public long millis() {
    return stepMillis == 0 ? millis.get() : millis.addAndGet(stepMillis);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** The same clock: its zone is only ever UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
