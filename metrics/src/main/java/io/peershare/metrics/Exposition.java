package io.peershare.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.metrics.http.HttpAnswer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /metrics}: the registry in the Prometheus text format 0.0.4, or in OpenMetrics 1.0
 * when the {@code Accept} header asks for {@code application/openmetrics-text} (as Prometheus
 * itself does). Written by the Prometheus client library under Micrometer, never by hand.
 */
final class Exposition {
  static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private Exposition() {}

  static HttpAnswer scrape(PrometheusMeterRegistry registry, String accept) throws IOException {
    String type =
        accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")
            ? OPENMETRICS
            : TEXT_004;
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 << 10);
    registry.scrape(out, type);
    return new HttpAnswer(200, type, out.toByteArray(), Map.of("Vary", "Accept"));
  }
}
