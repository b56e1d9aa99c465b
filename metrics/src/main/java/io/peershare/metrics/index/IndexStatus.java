package io.peershare.metrics.index;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.peershare.index.IndexEvents.Drop;
import io.peershare.index.Registry;
import io.peershare.index.tracker.SwarmStore;
import io.peershare.metrics.Status;
import io.peershare.metrics.http.HttpQuery;
import io.peershare.metrics.page.Format;
import io.peershare.metrics.page.Html;
import io.peershare.metrics.page.Layout;
import io.peershare.metrics.page.Layout.Card;
import io.peershare.metrics.page.Layout.Fact;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexMessage.ListingEntry;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An index's metrics and status page: requests by type and result ({@link IndexMeters}), the
 * store's registrations, contents and peers, the tracker's swarms when there is one, and on the
 * page the contents with their provider counts (filtered and paged through the store's own listing,
 * as an {@code O} would), request rates over the last minute and errors by code.
 *
 * <p>Rates come from a sample of the counters once a second ({@link #tick}), kept for a minute.
 */
public final class IndexStatus implements Status {
  /** Contents per page of the status page. */
  static final int PAGE = 50;

  private static final int WINDOW = 60;

  /** What the header says about the server: address, transport, lease. */
  public record Facts(String udp, String transport, long leaseSeconds, String tracker) {}

  private final IndexMeters meters;
  private final Registry registry;
  private final Facts facts;
  private final Supplier<SwarmStore.Totals> tracker;
  private final Clock clock;
  private final AtomicBoolean stopping = new AtomicBoolean();
  // What the gauges show: read once per scrape (beforeScrape), not once per gauge; a store in
  // Redis counts its registrations with a read of every lease bucket.
  private volatile Registry.Counts counted = new Registry.Counts(-1, -1, -1);
  private volatile SwarmStore.Totals totals = new SwarmStore.Totals(0, 0, 0);

  // requests per type slot and errors per code, sampled once a second: [second % (WINDOW + 1)]
  private final long[][] typeSamples = new long[WINDOW + 1][IndexMeters.TYPES.size()];
  private final long[][] errorSamples = new long[WINDOW + 1][ErrorCode.values().length];
  private final long[] sampleNanos = new long[WINDOW + 1];
  private long samples;

  /**
   * @param tracker the tracker's totals, or null when the index runs no tracker
   */
  public IndexStatus(
      IndexMeters meters,
      Registry registry,
      Facts facts,
      Supplier<SwarmStore.Totals> tracker,
      Clock clock) {
    this.meters = meters;
    this.registry = registry;
    this.facts = facts;
    this.tracker = tracker;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry r) {
    Gauge.builder("peershare.index.registrations", this, s -> s.counted.registrations())
        .description("Live registrations (a peer providing a content)")
        .register(r);
    Gauge.builder("peershare.index.contents", this, s -> known(s.counted.contents()))
        .description("Contents with at least one provider")
        .register(r);
    Gauge.builder("peershare.index.peers", this, s -> known(s.counted.peers()))
        .description("Peers with at least one registration")
        .register(r);
    if (tracker != null) {
      Gauge.builder("peershare.tracker.swarms", this, s -> s.totals.swarms())
          .description("BitTorrent swarms the tracker knows")
          .register(r);
      Gauge.builder("peershare.tracker.seeders", this, s -> s.totals.seeders())
          .description("Seeders in all swarms")
          .register(r);
      Gauge.builder("peershare.tracker.leechers", this, s -> s.totals.leechers())
          .description("Leechers in all swarms")
          .register(r);
    }
  }

  private static double known(int n) {
    return n < 0 ? Double.NaN : n;
  }

  @Override
  public void beforeScrape() {
    meters.registerSeen();
    counted = registry.counts();
    if (tracker != null) {
      totals = tracker.get();
    }
  }

  /** The process is shutting down: {@code /healthz} answers 503 from now on. */
  public void stopping() {
    stopping.set(true);
  }

  @Override
  public Optional<String> problem() {
    if (stopping.get()) {
      return Optional.of("stopping");
    }
    return registry.problem().map(p -> "store: " + p);
  }

  @Override
  public synchronized void tick(long nanoTime) {
    int at = (int) (samples % (WINDOW + 1));
    for (int t = 0; t < IndexMeters.TYPES.size(); t++) {
      typeSamples[at][t] = meters.requests(t);
    }
    ErrorCode[] codes = ErrorCode.values();
    for (int c = 0; c < codes.length; c++) {
      errorSamples[at][c] = meters.errors(codes[c]);
    }
    sampleNanos[at] = nanoTime;
    samples++;
  }

  /** Counts over the last minute (or since the first sample), per second and per type. */
  private record Window(double seconds, long[][] perSecond, long[] types, long[] errors) {}

  private synchronized Window window() {
    int n = (int) Math.min(samples, WINDOW + 1);
    int types = IndexMeters.TYPES.size();
    int codes = ErrorCode.values().length;
    long[][] perSecond = new long[types][WINDOW];
    if (n < 2) {
      return new Window(0, perSecond, new long[types], new long[codes]);
    }
    int last = (int) ((samples - 1) % (WINDOW + 1));
    int first = (int) ((samples - n) % (WINDOW + 1));
    for (int k = 1; k < n; k++) {
      int cur = (int) ((samples - n + k) % (WINDOW + 1));
      int prev = (int) ((samples - n + k - 1) % (WINDOW + 1));
      for (int t = 0; t < types; t++) {
        perSecond[t][WINDOW - n + k] = typeSamples[cur][t] - typeSamples[prev][t];
      }
    }
    long[] typeTotals = new long[types];
    for (int t = 0; t < types; t++) {
      typeTotals[t] = typeSamples[last][t] - typeSamples[first][t];
    }
    long[] errorTotals = new long[codes];
    for (int c = 0; c < codes; c++) {
      errorTotals[c] = errorSamples[last][c] - errorSamples[first][c];
    }
    double seconds = (sampleNanos[last] - sampleNanos[first]) / 1e9;
    return new Window(seconds, perSecond, typeTotals, errorTotals);
  }

  @Override
  public String page(HttpQuery query) {
    Registry.Counts counts = registry.counts();
    Window w = window();
    long minute = 0;
    for (long v : w.types()) {
      minute += v;
    }
    long errors = 0;
    for (long v : w.errors()) {
      errors += v;
    }
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
    List<Fact> header = new ArrayList<>();
    header.add(new Fact("udp", facts.udp()));
    header.add(new Fact("store", registry.describe()));
    header.add(new Fact("lease", facts.leaseSeconds() + " s"));
    header.add(new Fact("transport", facts.transport()));
    if (facts.tracker() != null) {
      header.add(new Fact("tracker", facts.tracker()));
    }
    header.add(new Fact("up", Format.duration(uptime)));
    Html h = Layout.begin("index", null, header, problem().orElse(null));
    List<Card> cards = new ArrayList<>();
    cards.add(new Card("Registrations", Format.count(counts.registrations()), "live now"));
    cards.add(new Card("Contents", count(counts.contents()), "with a provider"));
    cards.add(new Card("Peers", count(counts.peers()), "with a registration"));
    cards.add(
        new Card(
            "Requests",
            Format.rate(w.seconds() > 0 ? minute / w.seconds() : 0) + "/s",
            "over the last minute"));
    cards.add(
        new Card(
            "Errors",
            Format.count(errors),
            "in the last minute; "
                + Format.count(meters.drops(Drop.SIZE) + meters.drops(Drop.RATE_LIMIT))
                + " dropped in all"));
    if (tracker != null) {
      SwarmStore.Totals t = tracker.get();
      cards.add(
          new Card(
              "Swarms",
              Format.count(t.swarms()),
              Format.count(t.seeders()) + " seeders, " + Format.count(t.leechers()) + " leechers"));
    }
    Layout.cards(h, cards);
    h.raw("<div class=\"columns\"><div>");
    contents(h, query);
    h.raw("</div><div>");
    requests(h, w);
    errors(h, w);
    h.raw("</div></div>");
    return Layout.end(h);
  }

  private static String count(int n) {
    return n < 0 ? "–" : Format.count(n);
  }

  private void contents(Html h, HttpQuery query) {
    String filter = query.parameter("q", "");
    String after = query.parameter("after", "");
    Registry.Page page = registry.list(after, filter, Integer.MAX_VALUE, PAGE, clock.millis());
    h.raw("<section id=\"contents\"><h2>Contents")
        .raw(" <span class=\"hint\">with their providers, by name</span>")
        .raw("<form class=\"filter\" method=\"get\" action=\"/\">")
        .raw("<input type=\"search\" name=\"q\" placeholder=\"names containing…\"")
        .attribute("value", filter)
        .raw(" aria-label=\"filter contents\"><button type=\"submit\">Filter</button></form></h2>");
    if (page.entries().isEmpty()) {
      Layout.empty(
          h,
          !after.isEmpty()
              ? "No more contents."
              : filter.isEmpty()
                  ? "No content registered yet."
                  : "No content name contains '" + filter + "'.");
    } else {
      h.raw("<table><thead><tr><th>Name</th><th class=\"num\">Providers</th>")
          .raw("<th class=\"num\">Size</th></tr></thead><tbody>");
      for (ListingEntry e : page.entries()) {
        h.raw("<tr><td class=\"name\">")
            .text(e.content().toString())
            .raw("</td><td class=\"num\">")
            .text(Format.count(e.providers()))
            .raw("</td><td class=\"num\">")
            .text(Format.bytes(e.size()))
            .raw("</td></tr>");
      }
      h.raw("</tbody></table>");
    }
    if (!after.isEmpty() || page.more()) {
      h.raw("<div class=\"pager\">");
      if (!after.isEmpty()) {
        h.raw("<a").attribute("href", link(filter, "")).raw(">first page</a>");
      }
      if (page.more()) {
        String last = page.entries().getLast().content().toString();
        h.raw("<a class=\"next\"").attribute("href", link(filter, last)).raw(">next →</a>");
      }
      h.raw("</div>");
    }
    Layout.endSection(h);
  }

  private static String link(String filter, String after) {
    StringBuilder b = new StringBuilder("/?");
    if (!filter.isEmpty()) {
      b.append("q=").append(URLEncoder.encode(filter, StandardCharsets.UTF_8)).append('&');
    }
    if (!after.isEmpty()) {
      b.append("after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  private static final String[] TYPE_NAMES = {
    "hello", "register", "deregister", "quit", "keepalive", "list", "locate", "not a request"
  };

  private void requests(Html h, Window w) {
    Layout.section(h, "requests", "Requests", "over the last minute");
    h.raw("<table><thead><tr><th>Type</th><th></th><th class=\"num\">Per second</th>")
        .raw("<th class=\"num\">Since start</th></tr></thead><tbody>");
    for (int t = 0; t < IndexMeters.TYPES.size(); t++) {
      h.raw("<tr><td><span class=\"type\">")
          .text(t == IndexMeters.OTHER ? "?" : IndexMeters.TYPES.get(t))
          .raw("</span>")
          .text(TYPE_NAMES[t])
          .raw("</td><td>");
      Layout.sparkline(h, w.perSecond()[t], TYPE_NAMES[t] + " requests per second");
      h.raw("</td><td class=\"num\">")
          .text(Format.rate(w.seconds() > 0 ? w.types()[t] / w.seconds() : 0))
          .raw("</td><td class=\"num\">")
          .text(Format.count(meters.requests(t)))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table>");
    Layout.endSection(h);
  }

  private void errors(Html h, Window w) {
    Layout.section(h, "errors", "Errors and drops", "by code");
    List<String[]> rows = new ArrayList<>();
    ErrorCode[] codes = ErrorCode.values();
    for (int c = 0; c < codes.length; c++) {
      long total = meters.errors(codes[c]);
      if (total > 0) {
        rows.add(
            new String[] {
              IndexMeters.result(1 + c), Format.count(w.errors()[c]), Format.count(total)
            });
      }
    }
    for (Drop d : Drop.values()) {
      long total = meters.drops(d);
      if (total > 0) {
        rows.add(
            new String[] {
              "dropped: " + (d == Drop.SIZE ? "size" : "rate limit"), "", Format.count(total)
            });
      }
    }
    if (rows.isEmpty()) {
      Layout.empty(h, "No error and no drop since start.");
    } else {
      h.raw("<table><thead><tr><th>Code</th><th class=\"num\">Last minute</th>")
          .raw("<th class=\"num\">Since start</th></tr></thead><tbody>");
      for (String[] r : rows) {
        h.raw("<tr><td class=\"code\">")
            .text(r[0])
            .raw("</td><td class=\"num\">")
            .text(r[1])
            .raw("</td><td class=\"num\">")
            .text(r[2])
            .raw("</td></tr>");
      }
      h.raw("</tbody></table>");
    }
    Layout.endSection(h);
  }
}
