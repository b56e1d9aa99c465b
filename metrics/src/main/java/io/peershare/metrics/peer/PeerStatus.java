package io.peershare.metrics.peer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peershare.metrics.Status;
import io.peershare.metrics.http.HttpQuery;
import io.peershare.metrics.page.Format;
import io.peershare.metrics.page.Html;
import io.peershare.metrics.page.Layout;
import io.peershare.metrics.page.Layout.Card;
import io.peershare.metrics.page.Layout.Fact;
import io.peershare.peer.Downloads;
import io.peershare.peer.PeerNode;
import io.peershare.peer.serve.ServeCounts;
import io.peershare.peer.serve.Serving;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

/**
 * A peer's metrics and status page: what it shares and has served, its downloads under way. The
 * numbers come from the peer's own counts ({@link ServeCounts}, {@link Downloads}), read when
 * Prometheus scrapes or the page is drawn; nothing here runs on a transfer's path.
 */
public final class PeerStatus implements Status {
  private final PeerNode node;

  public PeerStatus(PeerNode node) {
    this.node = node;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ServeCounts served = node.served();
    Downloads downloads = node.downloads();
    FunctionCounter.builder("peershare.peer.bytes.served", served, ServeCounts::bytes)
        .description("Bytes of content this peer sent to downloaders")
        .register(registry);
    FunctionCounter.builder(
            "peershare.peer.bytes.downloaded", downloads, Downloads::bytesDownloaded)
        .description("Bytes this peer downloaded and verified")
        .register(registry);
    FunctionCounter.builder("peershare.peer.downloads", downloads, Downloads::succeeded)
        .tag("result", "ok")
        .description("Downloads that ended, by result")
        .register(registry);
    FunctionCounter.builder("peershare.peer.downloads", downloads, Downloads::failed)
        .tag("result", "failed")
        .description("Downloads that ended, by result")
        .register(registry);
    FunctionCounter.builder("peershare.peer.piece.failures", downloads, Downloads::pieceFailures)
        .description("Pieces that arrived with a wrong hash (dropped and fetched again)")
        .register(registry);
    Gauge.builder("peershare.peer.shared.contents", node, n -> n.local().size())
        .description("Contents this peer shares now")
        .register(registry);
    Gauge.builder("peershare.peer.connections", node, PeerNode::openConnections)
        .description("Connections to this peer's content server open now")
        .register(registry);
  }

  @Override
  public Optional<String> problem() {
    return node.isOpen() ? Optional.empty() : Optional.of("stopping");
  }

  @Override
  public String page(HttpQuery query) {
    List<Serving> serving = node.serving();
    List<Downloads.Active> active = node.downloads().active();
    Downloads d = node.downloads();
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
    Html h =
        Layout.begin(
            "peer",
            node.name().toString(),
            List.of(
                new Fact("index", Format.address(node.indexNode())),
                new Fact("up", Format.duration(uptime))),
            problem().orElse(null));
    Layout.cards(
        h,
        List.of(
            new Card(
                "Shared",
                Format.count(serving.size()),
                serving.size() == 1 ? "content" : "contents"),
            new Card("Connections", Format.count(node.openConnections()), "open now"),
            new Card(
                "Served",
                Format.bytes(node.served().bytes()),
                Format.count(node.served().downloads(), "download")),
            new Card(
                "Downloaded",
                Format.bytes(d.bytesDownloaded()),
                Format.count(d.succeeded())
                    + " ok, "
                    + Format.count(d.failed())
                    + " failed"
                    + (d.pieceFailures() > 0
                        ? ", " + Format.count(d.pieceFailures()) + " bad pieces"
                        : ""))));
    shared(h, serving);
    downloads(h, active);
    return Layout.end(h);
  }

  private static void shared(Html h, List<Serving> serving) {
    Layout.section(h, "shared", "Shared", "what this peer serves, and what it has served");
    if (serving.isEmpty()) {
      Layout.empty(h, "Nothing shared yet: register a file (R in the shell) or download one.");
    } else {
      h.raw("<table><thead><tr><th>Name</th><th class=\"num\">Size</th><th class=\"num\">Port</th>")
          .raw("<th class=\"num\">Bytes served</th><th class=\"num\">Downloads served</th>")
          .raw("</tr></thead><tbody>");
      for (Serving s : serving) {
        h.raw("<tr><td class=\"name\">")
            .text(s.content().content().toString())
            .raw("</td><td class=\"num\">")
            .text(Format.bytes(s.content().size()))
            .raw("</td><td class=\"num\">")
            .text(String.valueOf(s.content().port()))
            .raw("</td><td class=\"num\">")
            .text(Format.bytes(s.bytesServed()))
            .raw("</td><td class=\"num\">")
            .text(Format.count(s.downloadsServed()))
            .raw("</td></tr>");
      }
      h.raw("</tbody></table>");
    }
    Layout.endSection(h);
  }

  private static void downloads(Html h, List<Downloads.Active> active) {
    Layout.section(h, "downloads", "Downloads in progress", "");
    if (active.isEmpty()) {
      Layout.empty(h, "No download running.");
    } else {
      h.raw("<table><thead><tr><th>Name</th><th>Progress</th><th class=\"num\">Verified</th>")
          .raw("<th class=\"num\">Rate</th><th class=\"num\">Running</th></tr></thead><tbody>");
      for (Downloads.Active a : active) {
        h.raw("<tr><td class=\"name\">").text(a.content().toString()).raw("</td><td>");
        if (a.size() < 0) {
          h.raw("<span class=\"muted\">finding providers…</span>");
        } else {
          Layout.bar(h, a.verified(), a.size());
          h.text(Format.percent(a.verified(), a.size()));
        }
        h.raw("</td><td class=\"num\">")
            .text(a.size() < 0 ? "–" : Format.bytes(a.verified()) + " of " + Format.bytes(a.size()))
            .raw("</td><td class=\"num\">")
            .text(Format.bytes(a.bytesPerSecond()) + "/s")
            .raw("</td><td class=\"num\">")
            .text(Format.duration(a.seconds()))
            .raw("</td></tr>");
      }
      h.raw("</tbody></table>");
    }
    Layout.endSection(h);
  }
}
