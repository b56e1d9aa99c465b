package io.peershare.cli;

import io.peershare.protocol.Digest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.LoggerFactory;

/**
 * SLF4J and logback set up on a thread of their own from the start of {@code main}, while picocli
 * builds and parses the command line, instead of on the main thread at a command's first logger
 * (the peer's classes each have one). Setting up reads our configuration and starts logback's
 * objects; it used to search every jar for their services as well (now named: {@link LogProvider}):
 * 50-130 ms of a cold JVM then (docs/benchmarks.md, "Start-up and exit").
 *
 * <p>A command waits for it ({@link #ready()}) before it runs, so no logger is asked for while it
 * is under way: SLF4J would hand such a caller a stand-in that replays its calls later, with a
 * warning on standard error.
 *
 * <p>For {@code get}, the same thread then looks up the JDK's SHA-256 engine, which nobody waits
 * for: the first lookup reads the JDK's security configuration and registers its provider's
 * services, 5-15 ms that the main thread spent between the manifest's arrival and its check; on
 * this thread it overlaps the command line's parse and the index's answer.
 */
final class EarlyLogging {
  private EarlyLogging() {}

  /** Set up under way, or null when {@link #start} was not called; guarded by the class. */
  private static FutureTask<Object> starting;

  /**
   * Starts setting logging up, once; with {@code sha256}, then looks up the SHA-256 engine on the
   * same thread.
   */
  static synchronized void start(boolean sha256) {
    if (starting == null) {
      FutureTask<Object> setUp = new FutureTask<>(LoggerFactory::getILoggerFactory);
      starting = setUp;
      Thread.ofPlatform()
          .name("peershare-logging")
          .daemon()
          .start(
              () -> {
                setUp.run();
                if (sha256) {
                  Digest.newSha256();
                }
              });
    }
  }

  /**
   * Waits until the set-up {@link #start} began is over, if it began; at once otherwise. A set-up
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
