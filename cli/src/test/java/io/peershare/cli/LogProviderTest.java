package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLF4J's provider for the commands: logback configured by LogSetup directly, without logback's
 * search for configurators; a configuration file named by the user still goes through logback.
 */
class LogProviderTest {
  @Test
  void configuresLogbackAsLogSetupDoes() {
    LogProvider provider = new LogProvider();
    provider.initialize();
    LoggerContext context = (LoggerContext) provider.getLoggerFactory();
    assertThat(context.getName()).isEqualTo("default");
    assertThat(context.isStarted()).isTrue();
    assertThat(context.getLogger("io.peershare.peer").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.peershare.index.X").getEffectiveLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("org.other").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("ROOT").getAppender("ERR")).isNotNull();
    assertThat(provider.getMDCAdapter()).isSameAs(context.getMDCAdapter()).isNotNull();
    assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
    assertThat(provider.getRequestedApiVersion())
        .isEqualTo(LogbackServiceProvider.REQUESTED_API_VERSION);
  }

  @Test
  void aConfigurationFileOfTheUsersGoesThroughLogback(@TempDir Path tmp) throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("mine.xml"), "<configuration><root level=\"ERROR\"/></configuration>");
    System.setProperty("logback.configurationFile", file.toString());
    try {
      LogProvider provider = new LogProvider();
      provider.initialize();
      LoggerContext context = (LoggerContext) provider.getLoggerFactory();
      // the file's levels, none of ours (which would be WARN here, with our appender)
      assertThat(context.getLogger("io.peershare.peer").getEffectiveLevel()).isEqualTo(Level.ERROR);
      assertThat(context.getLogger("ROOT").getAppender("ERR")).isNull();
    } finally {
      System.clearProperty("logback.configurationFile");
    }
  }

  @Test
  void mainNamesItForSlf4jUnlessTheUserNamedAnother() {
    Main.skipJarSearches();
    assertThat(System.getProperty("slf4j.provider")).isEqualTo(LogProvider.class.getName());
    assertThat(System.getProperty("picocli.disable.closures")).isEqualTo("true");
    String before = System.getProperty("slf4j.provider");
    System.setProperty("slf4j.provider", "some.Other");
    try {
      Main.skipJarSearches();
      assertThat(System.getProperty("slf4j.provider")).isEqualTo("some.Other");
    } finally {
      System.setProperty("slf4j.provider", before);
    }
  }
}
