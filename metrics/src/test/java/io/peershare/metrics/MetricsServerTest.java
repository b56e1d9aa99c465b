package io.peershare.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.peershare.metrics.http.HttpQuery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The routes of the metrics port, and the format /metrics answers in. */
class MetricsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<String> problem = new AtomicReference<>();
  private MetricsServer server;
  private Counter counter;

  @BeforeEach
  void start() throws IOException {
    Status status =
        new Status() {
          @Override
          public void bindTo(MeterRegistry registry) {
            counter = Counter.builder("peershare.test.things").tag("kind", "a").register(registry);
          }

          @Override
          public String page(HttpQuery query) {
            return "<p>page " + query.parameter("q", "") + "</p>";
          }

          @Override
          public Optional<String> problem() {
            return Optional.ofNullable(problem.get());
          }
        };
    server =
        MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), status);
  }

  @AfterEach
  void stop() {
    server.close();
    server.close(); // twice is fine
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path));
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsInTheTextFormatByDefault() throws Exception {
    counter.increment(3);
    HttpResponse<String> r = get("/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body())
        .contains("# TYPE peershare_test_things_total counter")
        .contains("peershare_test_things_total{kind=\"a\"} 3.0")
        .contains("jvm_memory_used_bytes")
        .doesNotContain("# EOF");
  }

  @Test
  void openMetricsWhenAskedAsPrometheusAsks() throws Exception {
    counter.increment();
    HttpResponse<String> r =
        get(
            "/metrics",
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(r.headers().firstValue("content-type"))
        .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(r.body())
        .contains("# TYPE peershare_test_things counter")
        .contains("peershare_test_things_total{kind=\"a\"} 1.0")
        .endsWith("# EOF\n");
  }

  @Test
  void healthSaysOkOrWhyNot() throws Exception {
    HttpResponse<String> ok = get("/healthz", null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("ok\n");
    problem.set("the store does not answer");
    HttpResponse<String> bad = get("/healthz", null);
    assertThat(bad.statusCode()).isEqualTo(503);
    assertThat(bad.body()).isEqualTo("the store does not answer\n");
  }

  @Test
  void thePageItsStyleAndScriptComeFromTheProcess() throws Exception {
    HttpResponse<String> page = get("/?q=lorem", null);
    assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).isEqualTo("<p>page lorem</p>");
    assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
        .contains("default-src 'none'", "style-src 'self'", "script-src 'self'");
    assertThat(get("/status.css", null).body()).contains("--accent");
    assertThat(get("/status.js", null).body()).contains("location.reload()");
    assertThat(get("/elsewhere", null).statusCode()).isEqualTo(404);
  }
}
