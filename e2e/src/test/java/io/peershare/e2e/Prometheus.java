package io.peershare.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scraping our {@code /metrics} every two
 * seconds, on a free loopback port with its own scratch storage: what parses the exposition here is
 * Prometheus's own parser, as in production. Also {@code promtool check metrics}, Prometheus's
 * linter for the text format. {@code scripts/metrics-prereqs.sh} installs both.
 */
final class Prometheus implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final URI api;
  private final int targets;

  private Prometheus(Process process, URI api, int targets) {
    this.process = process;
    this.api = api;
    this.targets = targets;
  }

  static boolean installed() {
    return Files.isExecutable(Path.of("/usr/bin/prometheus"))
        && Files.isExecutable(Path.of("/usr/bin/promtool"));
  }

  /**
   * Starts Prometheus scraping each target (HOST:PORT) as job {@code name} every 2 s (with 2 s to
   * answer: a cold JVM on a loaded machine may need more than one).
   */
  static Prometheus start(Path dir, Map<String, InetSocketAddress> jobs) throws IOException {
    StringBuilder config =
        new StringBuilder(
            "global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\nscrape_configs:\n");
    jobs.forEach(
        (job, at) ->
            config
                .append("  - job_name: ")
                .append(job)
                .append("\n    static_configs:\n      - targets: ['")
                .append(at.getAddress().getHostAddress())
                .append(':')
                .append(at.getPort())
                .append("']\n"));
    Files.createDirectories(dir);
    Path file = dir.resolve("prometheus.yml");
    Files.writeString(file, config);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("prometheus.log");
    List<String> cmd = new ArrayList<>();
    cmd.add("/usr/bin/prometheus");
    cmd.add("--config.file=" + file);
    cmd.add("--storage.tsdb.path=" + dir.resolve("data"));
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--log.level=warn");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new Prometheus(p, URI.create("http://127.0.0.1:" + port + "/"), jobs.size());
  }

  /**
   * True once Prometheus answers and has scraped every one of its {@code targets} successfully
   * after {@code afterSeconds}. {@code up} has no series for a target not scraped yet, so the count
   * is checked against what was configured, not against {@code count(up)}.
   */
  boolean scrapedAllAfter(double afterSeconds) {
    try {
      Optional<Double> t = query("min(timestamp(up == 1))");
      Optional<Double> up = query("count(up == 1)");
      return t.isPresent() && t.get() > afterSeconds && up.equals(Optional.of((double) targets));
    } catch (IOException | InterruptedException e) {
      return false; // not up yet
    }
  }

  /** The one value {@code promql} answers, or empty when it answers none. */
  Optional<Double> query(String promql) throws IOException, InterruptedException {
    return value(get("api/v1/query?query=" + encode(promql)));
  }

  /**
   * The latest value scraped of the one series {@code selector} picks. Read over the last minutes
   * rather than now, so a scrape that failed since (it marks series stale) does not hide it.
   */
  Optional<Double> latest(String selector) throws IOException, InterruptedException {
    return query("last_over_time(" + selector + "[5m])");
  }

  private String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("prometheus answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.e+]+,\"([^\"]+)\"\\]");

  private static Optional<Double> value(String body) {
    Matcher m = VALUE.matcher(body);
    if (!m.find()) {
      return Optional.empty();
    }
    Optional<Double> v = Optional.of(Double.parseDouble(m.group(1)));
    if (m.find()) {
      throw new IllegalStateException("more than one series: " + body);
    }
    return v;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** {@code promtool check metrics} on an exposition: empty when it finds nothing wrong. */
  static String lint(String exposition, Path scratch) throws IOException, InterruptedException {
    Path out = Files.createTempFile(scratch, "promtool", ".txt");
    Path in = Files.createTempFile(scratch, "exposition", ".txt");
    Files.writeString(in, exposition);
    Process p =
        new ProcessBuilder("/usr/bin/promtool", "check", "metrics")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(in.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("promtool did not finish");
    }
    String said = Files.readString(out).strip();
    return p.exitValue() == 0 && said.isEmpty() ? "" : "exit " + p.exitValue() + ": " + said;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
