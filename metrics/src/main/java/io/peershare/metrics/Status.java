package io.peershare.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.peershare.metrics.http.HttpQuery;
import java.util.Optional;

/**
 * What one process shows on its metrics port: its meters, its status page and its health. {@link
 * MetricsServer} serves it; {@code IndexStatus} and {@code PeerStatus} are the two there are.
 */
public interface Status {
  /** Registers this process's meters (called once, before the first scrape). */
  void bindTo(MeterRegistry registry);

  /** The status page for {@code query} (path {@code /}, with its parameters), as HTML. */
  String page(HttpQuery query);

  /**
   * Empty while the process serves as it should; else why not, in a few words (then {@code
   * /healthz} answers {@code 503} with it).
   */
  Optional<String> problem();

  /** Called about once a second, off the request path: time to sample what rates need. */
  default void tick(long nanoTime) {}

  /** Called before each scrape of {@code /metrics}: time to register series seen since. */
  default void beforeScrape() {}
}
