package io.peershare.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code share} and {@code peer} with {@code --metrics}, as real processes: a known workload, then
 * a real Prometheus scrapes both and its own parser reads the exact counts; the status pages in
 * headless Chromium.
 */
class PeerMetricsTest {
  private static final int MIB = 1 << 20;

  /** A content name made to break a page that forgot to escape. */
  private static final String NASTY = "<i>x&y\"'.txt";

  @TempDir Path tmp;
  @RegisterExtension final Processes processes = new Processes();
  private String index;

  @BeforeEach
  void startIndex() throws Exception {
    int port = Loopback.freeUdpPort();
    index = "127.0.0.1:" + port;
    processes.track(PeershareProcess.startIndex(tmp, port, 30));
    await()
        .atMost(PeershareProcess.PATIENCE)
        .until(() -> Run.of(tmp, "list", "--index", index).exitCode() == 0);
  }

  private PeershareProcess share(String name, Path... files) throws Exception {
    List<String> args = new ArrayList<>(List.of("share"));
    for (Path f : files) {
      args.add(f.toString());
    }
    args.addAll(List.of("--name", name, "--index", index, "--metrics", "127.0.0.1:0"));
    PeershareProcess p =
        processes.track(PeershareProcess.start(name, tmp, args.toArray(String[]::new)));
    for (Path f : files) {
      p.awaitRegistered(f.getFileName().toString());
    }
    return p;
  }

  private PeershareProcess peer(String name, String... more) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    List<String> args =
        new ArrayList<>(
            List.of("peer", "--name", name, "--index", index, "--metrics", "127.0.0.1:0"));
    args.addAll(List.of(more));
    PeershareProcess p =
        processes.track(PeershareProcess.start(name, dir, args.toArray(String[]::new)));
    p.awaitOut("Peer '" + name + "' is up");
    return p;
  }

  @Test
  void prometheusReadsTheExactCountsOfAKnownWorkload() throws Exception {
    Skips.unless(Prometheus.installed(), Skips.PROMETHEUS);
    Path lorem = Loopback.randomFile(tmp.resolve("files").resolve("lorem"), 3 * MIB + 5, 1);
    Path nasty = Loopback.randomFile(tmp.resolve("files").resolve(NASTY), 1000, 2);
    PeershareProcess mai = share("mai", lorem, nasty);
    PeershareProcess jeff = peer("jeff");

    int mark = jeff.outLines();
    jeff.type("D lorem");
    jeff.awaitOut(mark, "Downloaded 'lorem'");
    mark = jeff.outLines();
    jeff.type("D nothing-of-that-name");
    jeff.awaitOut(mark, "Could not download .nothing-of-that-name.");
    double workloadEnd = System.currentTimeMillis() / 1000.0;

    URI maiAt = mai.metricsUrl();
    URI jeffAt = jeff.metricsUrl();
    Map<String, InetSocketAddress> jobs = new LinkedHashMap<>();
    jobs.put("mai", new InetSocketAddress(maiAt.getHost(), maiAt.getPort()));
    jobs.put("jeff", new InetSocketAddress(jeffAt.getHost(), jeffAt.getPort()));
    try (Prometheus prometheus = Prometheus.start(tmp.resolve("prometheus"), jobs)) {
      await("Prometheus scrapes both peers after the workload")
          .atMost(Duration.ofSeconds(60))
          .until(() -> prometheus.scrapedAllAfter(workloadEnd));
      assertThat(prometheus.latest("peershare_peer_bytes_served_total{job=\"mai\"}"))
          .contains(3.0 * MIB + 5);
      assertThat(prometheus.latest("peershare_peer_shared_contents{job=\"mai\"}")).contains(2.0);
      assertThat(prometheus.latest("peershare_peer_bytes_downloaded_total{job=\"jeff\"}"))
          .contains(3.0 * MIB + 5);
      assertThat(prometheus.latest("peershare_peer_downloads_total{job=\"jeff\",result=\"ok\"}"))
          .contains(1.0);
      assertThat(
              prometheus.latest("peershare_peer_downloads_total{job=\"jeff\",result=\"failed\"}"))
          .contains(1.0);
      assertThat(prometheus.latest("peershare_peer_piece_failures_total{job=\"jeff\"}"))
          .contains(0.0);
      assertThat(prometheus.latest("peershare_peer_shared_contents{job=\"jeff\"}"))
          .as("what it downloaded, it shares")
          .contains(1.0);
      assertThat(prometheus.latest("peershare_peer_connections{job=\"mai\"}")).contains(0.0);
    }

    for (URI at : List.of(maiAt, jeffAt)) {
      String text = Scrape.text(at);
      assertThat(Prometheus.lint(text, tmp)).as("promtool check metrics on %s", at).isEmpty();
      for (String exposition : List.of(text, Scrape.openMetrics(at))) {
        for (String line : exposition.lines().filter(l -> l.startsWith("peershare_")).toList()) {
          assertThat(line)
              .as("no label carries a name or an address")
              .doesNotContain("lorem", "mai", "jeff", "x&y", "127.0.0.1");
        }
      }
    }
  }

  @Test
  void statusPagesInChromiumListWhatIsSharedAndDownloading() throws Exception {
    Chromium chromium = Chromium.find(tmp).orElse(null);
    Skips.unless(chromium != null, Skips.CHROMIUM);
    Path big = Loopback.randomFile(tmp.resolve("files").resolve("holiday.mkv"), 40L * MIB, 3);
    Path lorem = Loopback.randomFile(tmp.resolve("files").resolve("lorem"), 3 * MIB, 4);
    Path nasty = Loopback.randomFile(tmp.resolve("files").resolve(NASTY), 1000, 5);
    PeershareProcess mai = share("mai", big, lorem, nasty);
    PeershareProcess jeff = peer("jeff", "--download-limit", "1MB");
    int mark = jeff.outLines();
    jeff.type("D lorem");
    jeff.awaitOut(mark, "Downloaded 'lorem'");
    jeff.type("D holiday.mkv"); // about 40 s at 1 MB/s: still running while we look

    URI jeffPage = jeff.metricsUrl();
    await("jeff's download shows progress")
        .atMost(Duration.ofSeconds(30))
        .until(() -> Scrape.page(jeffPage).contains("<svg class=\"bar\""));
    String jeffDom = chromium.dumpDom(jeffPage);
    assertThat(Dom.rows(jeffDom, "downloads"))
        .singleElement()
        .satisfies(r -> assertThat(r.get(0)).isEqualTo("holiday.mkv"))
        .satisfies(r -> assertThat(r.get(2)).endsWith(" of 40.0 MiB"))
        .satisfies(r -> assertThat(r.get(3)).matches("[0-9.]+ (B|KiB|MiB)/s"));
    chromium.screenshot(jeffPage, Path.of("target", "status-peer-downloading.png"), 1280, 760);

    URI maiPage = mai.metricsUrl();
    String maiDom = chromium.dumpDom(maiPage);
    List<List<String>> rows = Dom.rows(maiDom, "shared");
    assertThat(rows)
        .extracting(r -> r.get(0))
        .containsExactly("holiday.mkv", "lorem", NASTY); // in the order they were shared
    assertThat(rows.get(1))
        .containsExactly("lorem", "3.00 MiB", rows.get(1).get(2), "3.00 MiB", "1");
    assertThat(maiDom)
        .as("the name is text, never markup")
        .doesNotContain("<i>x&amp;y")
        .contains("&lt;i&gt;x&amp;y\"'.txt");
    chromium.screenshot(maiPage, Path.of("target", "status-peer.png"), 1280, 760);
  }
}
