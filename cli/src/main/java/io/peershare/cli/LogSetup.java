package io.peershare.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * Logging set up in code, found by logback through {@code META-INF/services}: logs go to standard
 * error, one line each ({@code HH:mm:ss.SSS LEVEL Logger: message}), never a stack trace on a
 * user's terminal. {@code PEERSHARE_LOG=debug} (or info, warn, error) sets the level of peershare's
 * own loggers; otherwise they log warnings, and the index server also its info lines.
 *
 * <p>In code rather than {@code logback.xml} because reading the XML file (a SAX parser and
 * logback's Joran model) cost more than half of a {@code java -version} in every command, logging
 * or not. {@code -Dlogback.configurationFile=FILE} still picks a file of one's own.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The variable that sets the level of peershare's loggers. */
  static final String LEVEL_VARIABLE = "PEERSHARE_LOG";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    context.getStatusManager().add(new NopStatusListener());
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
    err.setContext(context);
    err.setName("ERR");
    err.setTarget("System.err");
    err.setEncoder(encoder);
    err.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(err);
    String level = System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE));
    context.getLogger("io.peershare").setLevel(Level.toLevel(level, Level.WARN));
    context.getLogger("io.peershare.index").setLevel(Level.toLevel(level, Level.INFO));
    // the Redis client's own reconnect chatter; RedisStore says once when the store goes and comes
    context.getLogger("io.lettuce").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** {@code HH:mm:ss.SSS LEVEL SimpleName: message}, local time, no stack trace. */
  static final class LineLayout extends LayoutBase<ILoggingEvent> {
    /**
     * The system's time zone, looked up at the first line, not when logging is set up: the first
     * lookup reads the JDK's time-zone database, 15-35 ms of the set-up's thread in every command
     * (most of the set-up; docs/benchmarks.md, "Transfers", thirteenth look), and most runs of a
     * short command log nothing.
     */
    private volatile ZoneId zone;

    @Override
    public String doLayout(ILoggingEvent event) {
      ZoneId z = zone;
      if (z == null) {
        z = ZoneId.systemDefault();
        zone = z;
      }
      LocalTime t = LocalTime.ofInstant(event.getInstant(), z);
      String logger = event.getLoggerName();
      StringBuilder b = new StringBuilder(64);
      pad(b, t.getHour(), 2).append(':');
      pad(b, t.getMinute(), 2).append(':');
      pad(b, t.getSecond(), 2).append('.');
      pad(b, t.getNano() / 1_000_000, 3).append(' ');
      String lvl = event.getLevel().toString();
      b.append(lvl).append(" ".repeat(Math.max(1, 6 - lvl.length())));
      b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
      return b.append(event.getFormattedMessage()).append(System.lineSeparator()).toString();
    }

    private static StringBuilder pad(StringBuilder b, int value, int digits) {
      String s = Integer.toString(value);
      return b.append("0".repeat(Math.max(0, digits - s.length()))).append(s);
    }
  }
}
