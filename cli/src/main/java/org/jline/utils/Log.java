package org.jline.utils;

import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * peershare's replacement for JLine's internal log (same API, same logger "org.jline"), which sets
 * up {@code java.util.logging} only when there is something to log. It comes first on the class
 * path, so JLine's classes use it instead of their own.
 *
 * <p>JLine's own gets the logger when the class is initialised, and JLine's terminal initialises it
 * on the way to the shell's prompt (its signal and shutdown-hook set-up log at trace and debug
 * level). Getting a logger sets {@code java.util.logging} up, and that makes the JDK look for a
 * {@code System.LoggerFinder} on the class path, a search that opens every jar of it: with JLine's
 * native loader ({@link org.jline.nativ.JLineNativeLoader}, also ours) about 10 ms of the terminal
 * thread's CPU and 20 ms of the whole process's before the prompt, for nothing logged
 * (docs/benchmarks.md, "Start-up and exit", fifteenth session).
 *
 * <p>What is logged is unchanged: messages at {@code INFO} and above go to {@code
 * java.util.logging} as before (which prints them on standard error unless configured otherwise);
 * {@code FINE} and {@code FINEST} (debug, trace) go there when {@code java.util.logging} is
 * configured by {@code -Djava.util.logging.config.file} or {@code .class}, or once it is set up for
 * a message of ours, and are dropped otherwise, as the JDK's default configuration drops them
 * (level {@code INFO}). {@code JLineShadowsTest} checks this class keeps JLine's API.
 *
 * <p>Written for peershare to the API of the class of this name in JLine 3.30.6 (BSD-3-Clause
 * licensed; the parent POM pins the version). After an upgrade of JLine, {@code JLineShadowsTest}
 * fails when JLine's class has a public member this one lacks; what the new class does should be
 * read again then too.
 */
public final class Log {
  /** JLine's one logger for all of its classes. */
  static final String LOGGER = "org.jline";

  /** The logger, once {@code java.util.logging} is in use; null before. */
  private static volatile Logger logger;

  /** Public, as JLine's is. */
  public Log() {}

  public static void trace(Object... messages) {
    log(Level.FINEST, messages);
  }

  public static void trace(Supplier<String> message) {
    log(Level.FINEST, message);
  }

  public static void debug(Supplier<String> message) {
    log(Level.FINE, message);
  }

  public static void debug(Object... messages) {
    log(Level.FINE, messages);
  }

  public static void info(Object... messages) {
    log(Level.INFO, messages);
  }

  public static void warn(Object... messages) {
    log(Level.WARNING, messages);
  }

  public static void error(Object... messages) {
    log(Level.SEVERE, messages);
  }

  public static boolean isDebugEnabled() {
    return enabled(Level.FINE) != null;
  }

  /** The logger when {@code level} is logged, null when it is not. */
  private static Logger enabled(Level level) {
    Logger l = logger;
    if (l == null) {
      if (level.intValue() < Level.INFO.intValue() && !configured()) {
        return null; // below the JDK's default level, and logging not set up: not logged
      }
      l = Logger.getLogger(LOGGER);
      logger = l;
    }
    return l.isLoggable(level) ? l : null;
  }

  /** Whether the user configured {@code java.util.logging} on the command line. */
  private static boolean configured() {
    return System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null;
  }

  private static void log(Level level, Supplier<String> message) {
    Logger l = enabled(level);
    if (l != null) {
      publish(l, new LogRecord(level, message.get()));
    }
  }

  /**
   * The messages one after the other, an array as {@code [a,b]}; a last one that is a {@link
   * Throwable} goes with the record as its cause, as JLine's does.
   */
  private static void log(Level level, Object... messages) {
    Logger l = enabled(level);
    if (l == null) {
      return;
    }
    StringBuilder text = new StringBuilder();
    Throwable cause = null;
    for (int i = 0; i < messages.length; i++) {
      Object m = messages[i];
      if (i == messages.length - 1 && m instanceof Throwable t) {
        cause = t;
      } else if (m instanceof Object[] array) {
        text.append('[');
        for (int j = 0; j < array.length; j++) {
          text.append(j > 0 ? "," : "").append(array[j]);
        }
        text.append(']');
      } else {
        text.append(m);
      }
    }
    LogRecord r = new LogRecord(level, text.toString());
    r.setThrown(cause);
    publish(l, r);
  }

  private static void publish(Logger l, LogRecord r) {
    r.setLoggerName(LOGGER);
    l.log(r);
  }
}
