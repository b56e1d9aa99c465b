package io.peershare.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's provider for peershare's commands, named by {@link Main} in the system property {@code
 * slf4j.provider}: logback, configured by {@link LogSetup} directly. logback's own provider, which
 * SLF4J would find through a service lookup, looks its configurators up the same way; each lookup
 * searches every jar of the class path and so opens them all (reads each one's directory of
 * entries), which cost the short commands' start 5-10 ms (docs/benchmarks.md, "Start-up and exit",
 * fourteenth session). The same configuration either way; with {@code -Dlogback.configurationFile}
 * logback's own provider does all of it, as before.
 */
public final class LogProvider implements SLF4JServiceProvider {
  /** logback's own provider, when a configuration file is named; null otherwise. */
  private final SLF4JServiceProvider logback =
      System.getProperty("logback.configurationFile") != null ? new LogbackServiceProvider() : null;

  // as logback's provider makes them (SLF4J asks for the MDC adapter before initialize)
  private final LoggerContext context = new LoggerContext();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

  @Override
  public void initialize() {
    if (logback != null) {
      logback.initialize();
      return;
    }
    // as logback's provider does, with our configuration in place of its search for one
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    context.setMDCAdapter(mdc);
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    setup.configure(context);
    context.start();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return logback != null ? logback.getLoggerFactory() : context;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return logback != null ? logback.getMarkerFactory() : markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return logback != null ? logback.getMDCAdapter() : mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return LogbackServiceProvider.REQUESTED_API_VERSION;
  }
}
