package io.peershare.index.udp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in real-time priority for a transport's threads, as chrony, ntpd and cyclictest ask for it
 * for the threads that must not wait: {@code -Dpeershare.udp.realtime=N} (1-99) puts each thread
 * that serves sockets under {@code SCHED_FIFO} at priority {@code N} as it starts. Not set (the
 * default), nothing changes.
 *
 * <p>Why: on a busy machine a thread of normal priority woken by a datagram can wait for a core
 * behind another process for a scheduler tick or more (4 ms at 250 Hz); a real-time thread is run
 * at once on a core that runs only normal threads. Only the serving threads are raised: the JIT's
 * compiler threads, the GC and everything else keep their normal priority, and the spin before
 * sleeping ({@link SpinThenSleep}) is bounded, so the threads cannot hold a core for long; the
 * kernel's real-time throttling (95 % of each second by default) bounds them in any case.
 *
 * <p>How: {@code chrt --fifo --pid N TID} (util-linux) on the thread's own id, from the thread
 * itself before it serves anything. Java has no call for it before the foreign-function API (Java
 * 22), and this project runs on 21. Needs root, {@code CAP_SYS_NICE} or an {@code RLIMIT_RTPRIO} of
 * at least {@code N}; where that (or {@code chrt}) is missing, the threads keep their normal
 * priority and one log line says why.
 */
final class RealTime {
  private static final Logger log = LoggerFactory.getLogger(RealTime.class);

  /** The system property: a {@code SCHED_FIFO} priority, 1-99. */
  static final String PROPERTY = "peershare.udp.realtime";

  private RealTime() {}

  /** The priority asked for by {@link #PROPERTY}, or 0: none (also for a bad value, logged). */
  static int requested(String transport) {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= 99) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    log.warn(
        "{}: -D{}={} is not a SCHED_FIFO priority (1-99); the threads keep normal priority",
        transport,
        PROPERTY,
        v);
    return 0;
  }

  /**
   * Threads from {@code base} that ask for {@code SCHED_FIFO} at {@code priority} before they run
   * anything; the first of them to try logs the outcome (one line per transport).
   */
  static ThreadFactory raising(ThreadFactory base, int priority, String transport) {
    AtomicBoolean said = new AtomicBoolean();
    return task ->
        base.newThread(
            () -> {
              String failed = raise(priority);
              if (said.compareAndSet(false, true)) {
                if (failed == null) {
                  log.info(
                      "{}: serving threads at real-time priority (SCHED_FIFO {})",
                      transport,
                      priority);
                } else {
                  log.warn(
                      "{}: could not put the serving threads at real-time priority (SCHED_FIFO {}):"
                          + " {}; they keep normal priority",
                      transport,
                      priority,
                      failed);
                }
              }
              task.run();
            });
  }

  /** Puts the calling thread under {@code SCHED_FIFO} at {@code priority}; null, or why not. */
  static String raise(int priority) {
    try {
      // "PID/task/TID"
      String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
      String tid = self.substring(self.lastIndexOf('/') + 1);
      Process chrt =
          new ProcessBuilder("chrt", "--fifo", "--pid", Integer.toString(priority), tid)
              .redirectErrorStream(true)
              .start();
      chrt.getOutputStream().close();
      byte[] said = chrt.getInputStream().readNBytes(1_000);
      if (!chrt.waitFor(10, TimeUnit.SECONDS)) {
        chrt.destroyForcibly();
        return "chrt did not finish";
      }
      if (chrt.exitValue() != 0) {
        String why = new String(said, StandardCharsets.UTF_8).strip();
        return why.isEmpty() ? "chrt exited with " + chrt.exitValue() : why;
      }
      return null;
    } catch (IOException | UnsupportedOperationException e) {
      return "chrt: " + e.getMessage(); // no /proc/thread-self (not Linux), or no chrt
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
