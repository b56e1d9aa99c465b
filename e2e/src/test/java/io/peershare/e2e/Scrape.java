package io.peershare.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs on a {@code --metrics} port, as Prometheus, a browser or a load balancer sends them. */
final class Scrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Scrape() {}

  /** {@code /metrics} in the Prometheus text format 0.0.4 (no Accept header asks otherwise). */
  static String text(URI base) throws IOException, InterruptedException {
    return get(base.resolve("/metrics"), "text/plain").body();
  }

  /** {@code /metrics} as Prometheus asks for it: OpenMetrics first. */
  static String openMetrics(URI base) throws IOException, InterruptedException {
    return get(
            base.resolve("/metrics"),
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        .body();
  }

  /** The status page's HTML, as served. */
  static String page(URI base) throws IOException, InterruptedException {
    return get(base.resolve("/"), "text/html").body();
  }

  static HttpResponse<String> get(URI uri, String accept) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri)
            .header("Accept", accept)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
