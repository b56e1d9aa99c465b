package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code index --metrics} as a real process: a known workload from real peers and {@code list},
 * then /metrics read by a real Prometheus and promtool, the health check, and the status page in
 * headless Chromium (contents with their providers, filtered).
 */
class IndexMetricsTest {
  /** A content name made to break a page that forgot to escape. */
  private static final String NASTY = "<i>x&y\"'.txt";

  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();
  private String index;
  private URI metrics;

  @BeforeEach
  void startIndex() throws Exception {
    int port = Loopback.freeUdpPort();
    index = "127.0.0.1:" + port;
    PeershareProcess p =
        processes.track(
            PeershareProcess.start(
                "index",
                tmp,
                "index",
                "--bind",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--lease",
                "60",
                "--bittorrent-port",
                "0",
                "--metrics",
                "127.0.0.1:0"));
    metrics = p.metricsUrl();
  }

  private void share(String name, Path... files) throws Exception {
    List<String> args = new ArrayList<>(List.of("share"));
    for (Path f : files) {
      args.add(f.toString());
    }
    args.addAll(List.of("--name", name, "--index", index));
    PeershareProcess p =
        processes.track(PeershareProcess.start(name, tmp, args.toArray(String[]::new)));
    for (Path f : files) {
      p.awaitRegistered(f.getFileName().toString());
    }
  }

  private static double value(String text, String series) {
    return text.lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + text));
  }

  @Test
  void metricsCountAKnownWorkloadAndPrometheusReadsThem() throws Exception {
    Path files = tmp.resolve("files");
    share(
        "mai",
        Loopback.randomFile(files.resolve("lorem"), 1000, 1),
        Loopback.randomFile(files.resolve(NASTY), 1000, 2));
    share("jeff", Loopback.randomFile(files.resolve("mai").resolve("lorem"), 1000, 1));
    assertThat(Run.of(tmp, "list", "--index", index).exitCode()).isZero();

    String text = Scrape.text(metrics);
    assertThat(value(text, "peershare_index_requests_total{result=\"ok\",type=\"R\"}"))
        .isEqualTo(3);
    assertThat(value(text, "peershare_index_requests_total{result=\"ok\",type=\"O\"}"))
        .isEqualTo(1);
    assertThat(value(text, "peershare_index_registrations")).isEqualTo(3);
    assertThat(value(text, "peershare_index_contents")).isEqualTo(2);
    assertThat(value(text, "peershare_index_peers")).isEqualTo(2);
    assertThat(value(text, "peershare_tracker_swarms")).isZero();
    assertThat(value(text, "peershare_index_request_seconds_count{type=\"R\"}")).isEqualTo(3);
    assertThat(Prometheus.lint(text, tmp)).as("promtool check metrics").isEmpty();
    assertThat(Scrape.get(metrics.resolve("/healthz"), "*/*").body()).isEqualTo("ok\n");

    String open = Scrape.openMetrics(metrics);
    assertThat(open).endsWith("# EOF\n").contains("# TYPE peershare_index_requests counter");
    for (String exposition : List.of(text, open)) {
      for (String line : exposition.lines().filter(l -> l.startsWith("peershare_")).toList()) {
        assertThat(line)
            .as("no label carries a name or an address")
            .doesNotContain("lorem", "mai", "jeff", "x&y", "127.0.0.1");
      }
    }

    Skips.unless(Prometheus.installed(), Skips.PROMETHEUS);
    double workloadEnd = System.currentTimeMillis() / 1000.0;
    try (Prometheus prometheus =
        Prometheus.start(
            tmp.resolve("prometheus"),
            Map.of("index", new InetSocketAddress(metrics.getHost(), metrics.getPort())))) {
      await("Prometheus scrapes the index after the workload")
          .atMost(Duration.ofSeconds(60))
          .until(() -> prometheus.scrapedAllAfter(workloadEnd));
      assertThat(
              prometheus.latest(
                  "peershare_index_requests_total{job=\"index\",type=\"R\",result=\"ok\"}"))
          .contains(3.0);
      assertThat(prometheus.latest("peershare_index_contents{job=\"index\"}")).contains(2.0);
      assertThat(
              prometheus.latest("peershare_index_request_seconds_count{job=\"index\",type=\"O\"}"))
          .contains(1.0);
    }
  }

  @Test
  void hostileClientsOnTheMetricsPortStopNeitherItNorTheIndex() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) { // slowloris: half a request line, then nothing
        Socket s = new Socket(metrics.getHost(), metrics.getPort());
        s.getOutputStream().write("GET /metr".getBytes(StandardCharsets.US_ASCII));
        slow.add(s);
      }
      try (Socket s = new Socket(metrics.getHost(), metrics.getPort())) {
        OutputStream out = s.getOutputStream();
        out.write("GET /metrics HTTP/1.1\r\nX-Big: ".getBytes(StandardCharsets.US_ASCII));
        byte[] mib = new byte[1 << 20];
        java.util.Arrays.fill(mib, (byte) 'a');
        try {
          out.write(mib); // the server may close before it has all of it
        } catch (IOException e) {
          // closed: what a 431 and a close look like from here
        }
      }
      try (Socket s = new Socket(metrics.getHost(), metrics.getPort())) {
        byte[] garbage = new byte[4096];
        new java.util.Random(9).nextBytes(garbage);
        s.getOutputStream().write(garbage);
      }
      share("mai", Loopback.randomFile(tmp.resolve("files").resolve("lorem"), 1000, 1));
      Run list = Run.of(tmp, "list", "--index", index);
      assertThat(list.exitCode()).isZero();
      assertThat(list.out()).anySatisfy(l -> assertThat(l).startsWith("lorem\t"));
      assertThat(Scrape.get(metrics.resolve("/healthz"), "*/*").statusCode()).isEqualTo(200);
      assertThat(Scrape.text(metrics)).contains("peershare_index_registrations 1.0");
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void statusPageInChromiumListsTheContentsWithTheirProviders() throws Exception {
    Chromium chromium = Chromium.find(tmp).orElse(null);
    Skips.unless(chromium != null, Skips.CHROMIUM);
    Path files = tmp.resolve("files");
    share(
        "mai",
        Loopback.randomFile(files.resolve("holiday.mkv"), 3000, 3),
        Loopback.randomFile(files.resolve("lorem"), 1000, 1),
        Loopback.randomFile(files.resolve(NASTY), 1000, 2));
    share("jeff", Loopback.randomFile(files.resolve("jeff").resolve("lorem"), 1000, 1));
    assertThat(Run.of(tmp, "list", "--index", index).exitCode()).isZero();

    String dom = chromium.dumpDom(metrics);
    assertThat(Dom.rows(dom, "contents"))
        .containsExactly(
            List.of(NASTY, "1", "1000 B"),
            List.of("holiday.mkv", "1", "2.93 KiB"),
            List.of("lorem", "2", "1000 B"));
    assertThat(dom)
        .as("the name is text, never markup")
        .doesNotContain("<i>x&amp;y")
        .contains("&lt;i&gt;x&amp;y\"'.txt");
    assertThat(Dom.rows(dom, "requests"))
        .extracting(r -> r.get(0))
        .containsExactly(
            "Hhello",
            "Rregister",
            "Tderegister",
            "Qquit",
            "Kkeepalive",
            "Olist",
            "Slocate",
            "?not a request");

    URI filtered = metrics.resolve("/?q=" + URLEncoder.encode("LOR", StandardCharsets.UTF_8));
    assertThat(Dom.rows(chromium.dumpDom(filtered), "contents"))
        .as("the filter folds ASCII case, as O does")
        .containsExactly(List.of("lorem", "2", "1000 B"));
    chromium.screenshot(metrics, Path.of("target", "status-index.png"), 1280, 800);
  }
}
