package io.peershare.metrics.page;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The frame every status page shares: head (one same-origin style sheet and script, nothing from
 * elsewhere), a header with the process's facts, summary cards, sections, and a footer. The page
 * reloads itself every {@value #REFRESH_SECONDS} s ({@code status.js}; without script, a meta
 * refresh), except while someone types in it.
 */
public final class Layout {
  public static final int REFRESH_SECONDS = 5;

  private Layout() {}

  /** One fact in the header: "store memory". */
  public record Fact(String label, String value) {}

  /** One summary card: a label, a big value and a line under it (may be empty). */
  public record Card(String label, String value, String note) {}

  /**
   * Begins a page.
   *
   * @param role "index" or "peer"
   * @param name the peer's name, or null
   * @param problem null when healthy, else why not (shown in the header)
   */
  public static Html begin(String role, String name, List<Fact> facts, String problem) {
    Html h = new Html();
    h.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text("peershare " + role + (name == null ? "" : " " + name))
        .raw("</title>")
        .raw("<link rel=\"stylesheet\" href=\"/status.css\">")
        .raw("<script src=\"/status.js\" defer></script>")
        .raw(
            "<noscript><meta http-equiv=\"refresh\" content=\""
                + REFRESH_SECONDS
                + "\"></noscript>")
        .raw("</head><body><header><div class=\"brand\">peershare <span class=\"role\">")
        .text(role)
        .raw("</span>");
    if (name != null) {
      h.raw(" <span class=\"name\">").text(name).raw("</span>");
    }
    h.raw("</div><div class=\"facts\">");
    for (Fact f : facts) {
      h.raw("<span>").text(f.label()).raw(" <b>").text(f.value()).raw("</b></span>");
    }
    h.raw("</div>");
    if (problem == null) {
      h.raw("<span class=\"health ok\" id=\"health\">healthy</span>");
    } else {
      h.raw("<span class=\"health bad\" id=\"health\">").text(problem).raw("</span>");
    }
    return h.raw("</header><main>");
  }

  /** The row of summary cards. */
  public static void cards(Html h, List<Card> cards) {
    h.raw("<div class=\"cards\">");
    for (Card c : cards) {
      h.raw("<div class=\"card\"><div class=\"label\">")
          .text(c.label())
          .raw("</div><div class=\"value\">")
          .text(c.value())
          .raw("</div><div class=\"note\">")
          .text(c.note())
          .raw("</div></div>");
    }
    h.raw("</div>");
  }

  /** Opens a section with a heading and a hint beside it; close it with {@link #endSection}. */
  public static void section(Html h, String id, String title, String hint) {
    h.raw("<section id=\"").raw(id).raw("\"><h2>").text(title);
    if (hint != null && !hint.isEmpty()) {
      h.raw(" <span class=\"hint\">").text(hint).raw("</span>");
    }
    h.raw("</h2>");
  }

  public static void endSection(Html h) {
    h.raw("</section>");
  }

  /** A line saying a section has nothing to show. */
  public static void empty(Html h, String sentence) {
    h.raw("<p class=\"empty\">").text(sentence).raw("</p>");
  }

  /** Closes the page with its footer. */
  public static String end(Html h) {
    String time = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT));
    return h.raw("</main><footer>Refreshes every " + REFRESH_SECONDS + " s · updated ")
        .text(time)
        .raw(" · <a href=\"/metrics\">/metrics</a> (Prometheus)")
        .raw(" · <a href=\"/healthz\">/healthz</a></footer></body></html>\n")
        .toString();
  }

  /**
   * A progress bar as inline SVG (the page's policy forbids inline styles; SVG attributes are not
   * styles).
   */
  public static void bar(Html h, long part, long whole) {
    double p = whole <= 0 ? 100 : Math.min(100, Math.max(0, 100.0 * part / whole));
    h.raw(
            "<svg class=\"bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\">")
        .raw("<rect class=\"track\" width=\"100\" height=\"8\" rx=\"4\"/>")
        .raw(
            String.format(
                Locale.ROOT, "<rect class=\"fill\" width=\"%.2f\" height=\"8\" rx=\"4\"/>", p))
        .raw("</svg>");
  }

  /** Bars of {@code values} (oldest first), scaled to the largest, as inline SVG. */
  public static void sparkline(Html h, long[] values, String label) {
    long max = 1;
    for (long v : values) {
      max = Math.max(max, v);
    }
    int n = values.length;
    h.raw("<svg class=\"spark\" viewBox=\"0 0 " + (2 * n) + " 24\" preserveAspectRatio=\"none\"")
        .attribute("aria-label", label)
        .raw(" role=\"img\">");
    for (int i = 0; i < n; i++) {
      if (values[i] > 0) {
        double height = Math.max(1.5, 24.0 * values[i] / max);
        h.raw(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%.2f\" width=\"1.6\" height=\"%.2f\"/>",
                2 * i,
                24 - height,
                height));
      }
    }
    h.raw("<line class=\"base\" x1=\"0\" y1=\"23.5\" x2=\"" + (2 * n) + "\" y2=\"23.5\"/></svg>");
  }
}
