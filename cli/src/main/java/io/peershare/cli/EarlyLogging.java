package io.peershare.cli;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.LoggerFactory;

/**
 * SLF4J and logback set up on a thread of their own from the start of {@code main}, while picocli
 * builds and parses the command line, instead of on the main thread at a command's first logger
 * (the peer's classes each have one). Setting up looks for their services in every jar of the class
 * path, which opens them all, and reads logback's and our configuration: 50-130 ms of a cold JVM
 * (docs/benchmarks.md, "Start-up and exit").
 *
 * <p>A command waits for it ({@link #ready()}) before it runs, so no logger is asked for while it
 * is under way: SLF4J would hand such a caller a stand-in that replays its calls later, with a
 * warning on standard error.
 */
final class EarlyLogging {
  private EarlyLogging() {}

  /** Set up under way, or null when {@link #start()} was not called; guarded by the class. */
  private static FutureTask<Object> starting;

  /** Starts setting logging up, once. */
  static synchronized void start() {
    if (starting == null) {
      starting = new FutureTask<>(LoggerFactory::getILoggerFactory);
      Thread.ofPlatform().name("peershare-logging").daemon().start(starting);
    }
  }

  /**
   * Waits until the set-up {@link #start()} began is over, if it began; at once otherwise. A set-up
   * that failed fails again, as before, at the first logger.
   */
  static void ready() {
    FutureTask<Object> s;
    synchronized (EarlyLogging.class) {
      s = starting;
    }
    if (s == null) {
      return;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          s.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          return;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
