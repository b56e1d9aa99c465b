package io.peershare.index.udp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When the sockets of a transport with several threads are served by one thread and when by all:
 * the second thread takes sockets only while a core is free for it.
 *
 * <p>Why: on a machine whose cores are all busy (two cores, two server threads and a client on the
 * same machine), a second server thread does not add a core, it adds a third thread to share two.
 * Each socket is pinned to its thread, so while a thread waits for a core behind another process
 * (one scheduler tick, 4 ms at 250 Hz, when that process does not give way) the requests in its
 * socket wait with it: the two-thread p99 was 4.1-4.4 ms against one thread's 1-2 ms, at the same
 * rate. Served by one thread that polls both sockets, nothing waits behind a thread that is off its
 * core for longer than the thread's own turn.
 *
 * <p>Every {@link #INTERVAL_NANOS} it looks at what happened since the last look:
 *
 * <ul>
 *   <li>One thread serving all, <b>spread</b> when that thread was busy (reading, answering) at
 *       least {@link #SATURATED} of the time and the machine had at least {@link #FREE_CORE} of a
 *       core idle, in as many looks in a row as the current hold asks (1 at first).
 *   <li>Spread, <b>gather</b> when the threads waited for a core (runnable, not running) for {@link
 *       #CONTENDED} of a core or more in all: the cores are taken, and the hold for the next spread
 *       doubles (up to {@link #MAX_HOLD} looks); or when all threads together were busy less than
 *       {@link #LIGHT} of the time: one thread does it all. A spread that lasts {@link #SETTLED}
 *       looks without contention resets the hold.
 * </ul>
 *
 * <p>Pure logic on the figures it is given; the transport feeds it and moves the channels.
 */
final class LoopBalancer {
  static final long INTERVAL_NANOS = 200_000_000;
  static final double SATURATED = 0.9;
  static final double FREE_CORE = 0.6;
  static final double CONTENDED = 0.25;
  static final double LIGHT = 0.5;
  static final int MAX_HOLD = 64;
  static final int SETTLED = 25;

  /** What to do after a look. */
  enum Move {
    STAY,
    SPREAD,
    GATHER
  }

  private boolean spread;
  private int hold = 1;
  private int qualifying;
  private int calm;

  boolean spread() {
    return spread;
  }

  int hold() {
    return hold;
  }

  /**
   * One look.
   *
   * @param intervalNanos time since the last look
   * @param firstBusyNanos of it, time the first thread was busy (while it serves all)
   * @param allBusyNanos time all threads were busy, added up
   * @param idleCores the machine's idle time over the interval, in cores (NaN: unknown)
   * @param waitNanos time the threads were runnable but waited for a core, added up
   */
  Move look(
      long intervalNanos,
      long firstBusyNanos,
      long allBusyNanos,
      double idleCores,
      long waitNanos) {
    if (intervalNanos <= 0) {
      return Move.STAY;
    }
    double interval = intervalNanos;
    if (!spread) {
      boolean wants = firstBusyNanos / interval >= SATURATED && idleCores >= FREE_CORE;
      qualifying = wants ? qualifying + 1 : 0;
      if (qualifying >= hold) {
        qualifying = 0;
        calm = 0;
        spread = true;
        return Move.SPREAD;
      }
      return Move.STAY;
    }
    if (waitNanos / interval >= CONTENDED) {
      hold = Math.min(hold * 2, MAX_HOLD);
      spread = false;
      return Move.GATHER;
    }
    if (allBusyNanos / interval < LIGHT) {
      spread = false;
      return Move.GATHER;
    }
    if (++calm >= SETTLED) {
      hold = 1;
    }
    return Move.STAY;
  }

  /**
   * The machine's idle time so far, in seconds of one core ({@code /proc/stat}); NaN if unknown.
   */
  static double idleSeconds() {
    try {
      String all = Files.readString(Path.of("/proc/stat"), StandardCharsets.US_ASCII);
      int end = all.indexOf('\n');
      String[] f = all.substring(0, end < 0 ? all.length() : end).trim().split("\\s+");
      // cpu user nice system idle iowait ...: in USER_HZ (100 a second on Linux)
      if (f.length < 6 || !f[0].equals("cpu")) {
        return Double.NaN;
      }
      return (Long.parseLong(f[4]) + Long.parseLong(f[5])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The calling thread's time spent runnable but waiting for a core, so far, in nanoseconds ({@code
   * /proc/thread-self/schedstat}'s second field); -1 if unknown.
   */
  static long ownWaitNanos() {
    try {
      String s =
          Files.readString(Path.of("/proc/thread-self/schedstat"), StandardCharsets.US_ASCII);
      String[] f = s.trim().split("\\s+");
      return f.length >= 2 ? Long.parseLong(f[1]) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
