package io.peershare.metrics;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.metrics.http.HttpAnswer;
import io.peershare.metrics.http.HttpQuery;
import io.peershare.metrics.http.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code --metrics HOST:PORT} starts: one HTTP server, bound to that address only, with
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text 0.0.4, or OpenMetrics when asked ({@link
 *       Exposition}), from a Micrometer {@link PrometheusMeterRegistry};
 *   <li>{@code GET /}: the status page, with {@code /status.css} and {@code /status.js};
 *   <li>{@code GET /healthz}: {@code 200 ok}, or {@code 503} and the reason.
 * </ul>
 *
 * The process's own meters come from its {@link Status}; the JVM's (memory, GC, threads, CPU,
 * uptime, open files) are added here.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private static final HttpAnswer CSS = resource("status.css", "text/css; charset=utf-8");
  private static final HttpAnswer JS = resource("status.js", "text/javascript; charset=utf-8");

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final ScheduledExecutorService ticker;
  private final HttpServer http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsServer(
      PrometheusMeterRegistry registry,
      JvmGcMetrics gc,
      ScheduledExecutorService ticker,
      HttpServer http) {
    this.registry = registry;
    this.gc = gc;
    this.ticker = ticker;
    this.http = http;
  }

  /**
   * A fresh registry for {@link #start}: made first when the process's meters must exist before the
   * server (the index's are handed to the index server as it starts).
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // two names Prometheus's own linter (promtool check metrics) rejects: an abbreviated unit,
    // and _count on a gauge; what they say is also in process_cpu_usage and the JVM's info
    registry
        .config()
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")));
    return registry;
  }

  /** Starts serving {@code status} on {@code at}, with a fresh registry and the default limits. */
  public static MetricsServer start(InetSocketAddress at, Status status) throws IOException {
    return start(at, newRegistry(), status, HttpServer.Limits.defaults());
  }

  /**
   * Starts serving {@code status} and the meters of {@code registry} (from {@link #newRegistry}) on
   * {@code at}; the JVM's meters are added.
   */
  public static MetricsServer start(
      InetSocketAddress at,
      PrometheusMeterRegistry registry,
      Status status,
      HttpServer.Limits limits)
      throws IOException {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    status.bindTo(registry);
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("peershare-metrics-tick").daemon().factory());
    ticker.scheduleAtFixedRate(
        () -> {
          try {
            status.tick(System.nanoTime());
          } catch (RuntimeException e) {
            log.warn("metrics sampling failed: {}", e.toString());
          }
        },
        0,
        1,
        TimeUnit.SECONDS);
    try {
      HttpServer http = HttpServer.start(at, limits, q -> route(q, registry, status));
      return new MetricsServer(registry, gc, ticker, http);
    } catch (IOException | RuntimeException e) {
      ticker.shutdownNow();
      gc.close();
      registry.close();
      throw e;
    }
  }

  private static HttpAnswer route(HttpQuery q, PrometheusMeterRegistry registry, Status status)
      throws IOException {
    return switch (q.path()) {
      case "/metrics" -> {
        status.beforeScrape();
        yield Exposition.scrape(registry, q.accept());
      }
      case "/healthz" -> health(status.problem());
      case "/" -> HttpAnswer.html(status.page(q));
      case "/status.css" -> CSS;
      case "/status.js" -> JS;
      default -> HttpAnswer.notFound();
    };
  }

  static HttpAnswer health(Optional<String> problem) {
    return problem.map(p -> HttpAnswer.text(503, p + "\n")).orElse(HttpAnswer.text(200, "ok\n"));
  }

  /** Where it listens (the real port when started on port 0). */
  public InetSocketAddress localAddress() {
    return http.localAddress();
  }

  /** The registry behind {@code /metrics} (for tests). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops serving; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    http.close();
    ticker.shutdownNow();
    gc.close();
    registry.close();
  }

  private static HttpAnswer resource(String name, String type) {
    try (InputStream in = MetricsServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new HttpAnswer(200, type, in.readAllBytes(), Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
