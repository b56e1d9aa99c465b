package io.peershare.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The orderly stop of a command that serves until it is stopped ({@code index}, {@code share}), on
 * SIGINT (Ctrl-C) or SIGTERM (a service manager). It is in place before the command starts
 * anything: a signal that arrives while the command starts (right after "listening", say) waits for
 * the start-up to end and then stops what started, and SIGTERM exits with 0 from the first moment.
 * Installed after the start-up, as before, a SIGTERM in that window met the JVM's own handler (exit
 * 143, no orderly stop).
 */
final class ServiceStop {
  /** How long a signal waits for a start-up in progress (a store that does not answer, say). */
  private static final long START_UP_WAIT_SECONDS = 30;

  private final CountDownLatch startUpOver = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Runnable stop = () -> {};

  private ServiceStop() {}

  /** Registers the shutdown hook (a thread named {@code threadName}) and the SIGTERM handler. */
  static ServiceStop install(String threadName) {
    ServiceStop s = new ServiceStop();
    Runtime.getRuntime().addShutdownHook(new Thread(s::run, threadName));
    // SIGTERM (systemd, docker stop, kill): the same orderly stop, and exit code 0 instead of 143
    StopSignal.exitZeroOnTerm();
    return s;
  }

  /** What a signal stops, once everything started; before that, nothing (start-up cleans up). */
  void onStop(Runnable stop) {
    this.stop = stop;
  }

  /**
   * The start-up is over, whether it succeeded ({@link #onStop} was called) or failed (what it had
   * opened, it closed): a signal waiting for it goes on. Call it in a {@code finally}.
   */
  void startUpOver() {
    startUpOver.countDown();
  }

  /** Blocks until a signal stopped everything. */
  void await() throws InterruptedException {
    stopped.await();
  }

  private void run() {
    try {
      if (!startUpOver.await(START_UP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        return; // a start-up stuck that long: the JVM exits without the orderly stop
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    stop.run();
    stopped.countDown();
  }
}
