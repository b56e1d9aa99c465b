package io.peershare.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the tables of a status page's DOM as Chromium serialized it. */
final class Dom {
  private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);
  private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<[^>]*>");

  private Dom() {}

  /** The text of every body row's cells in {@code <section id="section">}. */
  static List<List<String>> rows(String dom, String section) {
    int start = dom.indexOf("<section id=\"" + section + "\"");
    if (start < 0) {
      throw new AssertionError("no section " + section + " in " + dom);
    }
    int end = dom.indexOf("</section>", start);
    String body = dom.substring(start, end);
    List<List<String>> rows = new ArrayList<>();
    Matcher r = ROW.matcher(body);
    while (r.find()) {
      List<String> cells = new ArrayList<>();
      Matcher c = CELL.matcher(r.group(1));
      while (c.find()) {
        cells.add(text(c.group(1)));
      }
      if (!cells.isEmpty()) {
        rows.add(cells);
      }
    }
    return rows;
  }

  /** A cell's text: tags dropped, entities read. */
  static String text(String html) {
    return TAG.matcher(html)
        .replaceAll("")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u00a0")
        .replace("&amp;", "&")
        .strip();
  }
}
