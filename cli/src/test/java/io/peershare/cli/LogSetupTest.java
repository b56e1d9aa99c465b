package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Instant;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Logging set up in code: levels from PEERSHARE_LOG, one line per event, no stack trace. */
class LogSetupTest {
  @Test
  void defaultLevelsAndOneAppenderOnStandardError() {
    LoggerContext context = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    assertThat(setup.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger("io.peershare.peer").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.peershare.index.X").getEffectiveLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("org.other").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("ROOT").getAppender("ERR")).isNotNull();
  }

  @Test
  void theVariableSetsPeersharesLevels() {
    LoggerContext context = new LoggerContext();
    System.setProperty(LogSetup.LEVEL_VARIABLE, "debug");
    try {
      new LogSetup().configure(context);
    } finally {
      System.clearProperty(LogSetup.LEVEL_VARIABLE);
    }
    assertThat(context.getLogger("io.peershare.peer").getEffectiveLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("io.peershare.index").getEffectiveLevel()).isEqualTo(Level.DEBUG);
    assertThat(context.getLogger("org.other").getEffectiveLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void oneLineWithTimeLevelSimpleNameAndMessageButNoStackTrace() {
    LoggerContext context = new LoggerContext();
    ch.qos.logback.classic.Logger logger = context.getLogger("io.peershare.index.IndexServer");
    LoggingEvent event =
        new LoggingEvent(
            "fqcn",
            logger,
            Level.INFO,
            "listening on {}",
            new RuntimeException("boom"),
            new Object[] {"udp 127.0.0.1:3000"});
    String line = new LogSetup.LineLayout().doLayout(event);
    assertThat(line)
        .matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  IndexServer: listening on udp 127.0.0.1:3000\\R")
        .doesNotContain("boom");
  }

  @Test
  void theTimeZoneIsLookedUpAtTheFirstLineNotWhenLoggingIsSetUp() {
    TimeZone before = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
      LogSetup.LineLayout layout = new LogSetup.LineLayout(); // as the set-up makes it
      // +05:30 all year: the zone in force at the first line is the one used
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
      LoggingEvent event =
          new LoggingEvent(
              "fqcn",
              new LoggerContext().getLogger("io.peershare.peer.X"),
              Level.WARN,
              "m",
              null,
              null);
      event.setInstant(Instant.parse("2026-12-07T01:00:00.250Z"));
      assertThat(layout.doLayout(event)).startsWith("06:30:00.250 WARN  X: m");
      // and kept from then on, as before
      TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
      assertThat(layout.doLayout(event)).startsWith("06:30:00.250 ");
    } finally {
      TimeZone.setDefault(before);
    }
  }
}
