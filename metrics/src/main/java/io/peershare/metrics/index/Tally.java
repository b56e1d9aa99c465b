package io.peershare.metrics.index;

import io.peershare.index.IndexEvents;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counts of one server thread ({@link IndexEvents#forThread()}): every counter of {@link
 * IndexMeters} in one {@code long[]} that only that thread writes. An add is a plain read and a
 * release store (a plain store on x86): no atomic instruction, no contended cache line, so counting
 * costs a few nanoseconds a request. A scrape reads each slot with an acquire load, which sees
 * every count written before the reply it belongs to left, so nothing lags: a scrape after the
 * client has its reply shows it.
 *
 * <p>{@link IndexMeters} keeps one more for callers on any thread, told under a lock.
 */
final class Tally implements IndexEvents {
  static final int TYPES = IndexMeters.TYPES.size();
  static final int RESULTS = 1 + ErrorCode.values().length; // 0 is ok, 1 + ordinal an error
  static final int BUCKETS = RequestTimes.BOUNDS.length + 1; // the last is +Inf

  /** Longs on each side, so two threads' tallies never share a cache line (64 bytes, or 128). */
  private static final int PAD = 16;

  /** Where each counter is: [REQUESTS + type * RESULTS + result]. */
  static final int REQUESTS = PAD;

  /** [TIMES + type * BUCKETS + bucket]. */
  static final int TIMES = REQUESTS + TYPES * RESULTS;

  /** [TIME_SUMS + type], nanoseconds. */
  static final int TIME_SUMS = TIMES + TYPES * BUCKETS;

  static final int CACHE_HITS = TIME_SUMS + TYPES;
  static final int DROPPED_SIZE = CACHE_HITS + 1;
  static final int DROPPED_RATE = DROPPED_SIZE + 1;
  static final int EXPIRED = DROPPED_RATE + 1;
  private static final int LENGTH = EXPIRED + 1 + PAD;

  private static final int[] SLOT = slots();
  private static final VarHandle AT = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] counts = new long[LENGTH];

  /** Kept alive by the handler that counts here: the registry holds its counters' source weakly. */
  @SuppressWarnings("unused")
  private final IndexMeters meters;

  Tally(IndexMeters meters) {
    this.meters = meters;
  }

  /** The type label's slot (an index in {@link IndexMeters#TYPES}) of {@code type}. */
  static int slot(IndexType type) {
    return SLOT[type.ordinal()];
  }

  @Override
  public void answered(IndexType type, ErrorCode error, boolean cached, long nanos) {
    int t = SLOT[type.ordinal()];
    add(REQUESTS + t * RESULTS + (error == null ? 0 : 1 + error.ordinal()), 1);
    if (cached) {
      add(CACHE_HITS, 1); // answered from a copy: no time worth a histogram
    } else {
      add(TIMES + t * BUCKETS + RequestTimes.bucket(nanos), 1);
      add(TIME_SUMS + t, nanos);
    }
  }

  @Override
  public void dropped(Drop reason) {
    add(reason == Drop.SIZE ? DROPPED_SIZE : DROPPED_RATE, 1);
  }

  @Override
  public void expired(int registrations) {
    add(EXPIRED, registrations);
  }

  /** By the owner only: its own last store is what a plain read sees. */
  private void add(int at, long n) {
    AT.setRelease(counts, at, counts[at] + n);
  }

  /** The counter at {@code at}, from any thread. */
  long get(int at) {
    return (long) AT.getAcquire(counts, at);
  }

  private static int[] slots() {
    int[] slots = new int[IndexType.values().length];
    for (IndexType type : IndexType.values()) {
      int t = type.isRequest() ? IndexMeters.TYPES.indexOf(String.valueOf(type.letter())) : -1;
      slots[type.ordinal()] = t < 0 ? IndexMeters.OTHER : t;
    }
    return slots;
  }
}
