package io.peershare.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.peershare.metrics.MetricsServer;
import io.peershare.metrics.Status;
import io.peershare.metrics.http.HttpServer;
import io.peershare.metrics.page.Format;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --metrics HOST:PORT}, shared by index, peer and share. Off unless given. */
final class MetricsOption {
  private final OptionSpec at =
      OptionSpec.builder("--metrics")
          .type(InetSocketAddress.class)
          .paramLabel("HOST:PORT")
          .converters(new MetricsAddress())
          .description(
              "Serve Prometheus metrics (/metrics), a status page (/) and a health check"
                  + " (/healthz) over HTTP on this address only (port 0: any free port). Default:"
                  + " off.")
          .build();

  void addTo(CommandSpec spec) {
    spec.addOption(at);
  }

  /** Where to serve metrics; null when not asked. */
  InetSocketAddress at() {
    return at.getValue();
  }

  /**
   * Starts the metrics server for {@code status} when asked, and prints where; null when not asked.
   */
  MetricsServer start(Status status, PrintWriter out) throws IOException {
    return at() == null ? null : start(MetricsServer.newRegistry(), status, out);
  }

  /** Starts the metrics server for {@code status} with the meters already in {@code registry}. */
  MetricsServer start(PrometheusMeterRegistry registry, Status status, PrintWriter out)
      throws IOException {
    MetricsServer server;
    try {
      server = MetricsServer.start(at(), registry, status, HttpServer.Limits.defaults());
    } catch (BindException e) {
      String where = url(at());
      throw new IOException(
          e.getMessage() != null && e.getMessage().contains("in use")
              ? "cannot serve metrics on " + where + ": the port is already in use"
              : "cannot serve metrics on " + where + ": " + e.getMessage(),
          e);
    }
    out.println("metrics on " + url(server.localAddress()) + " (status page; /metrics, /healthz)");
    out.flush();
    return server;
  }

  /** {@code http://127.0.0.1:9100/}, {@code http://[::1]:9100/}. */
  static String url(InetSocketAddress a) {
    return "http://" + Format.address(a) + "/";
  }
}
