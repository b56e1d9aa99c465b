package io.peershare.cli;

import java.util.Locale;
import org.jline.utils.WCWidth;

/** Small formatting helpers for what a person reads. */
final class Text {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Text() {}

  /**
   * Columns {@code text} takes on a terminal: two for each wide (East Asian) character, none for a
   * combining one, one for the rest (JLine's {@code wcwidth}, which its line editor uses too).
   */
  static int width(String text) {
    return text.codePoints().map(c -> Math.max(0, WCWidth.wcwidth(c))).sum();
  }

  /** 1536 → "1.5 KiB". */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    int unit = 0;
    while (v >= 1024 && unit < UNITS.length - 1) {
      v /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, UNITS[unit]);
  }

  /** Bytes per second as "12.3 MiB/s". */
  static String rate(double bytesPerSecond) {
    return size((long) bytesPerSecond) + "/s";
  }

  /** Seconds as "1:05" or "1:02:05". */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
