package io.peershare.metrics.page;

import io.peershare.protocol.Addresses;
import java.net.InetSocketAddress;
import java.util.Locale;

/** Numbers as a person reads them on the status page. */
public final class Format {
  private Format() {}

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  /** 0 B, 512 B, 1.5 KiB, 20.0 MiB, 3.25 GiB. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    int u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    String digits = v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f";
    return String.format(Locale.ROOT, digits + " %s", v, UNITS[u]);
  }

  /** 1,234,567. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Per second: 0, 0.25, 3.5, 120, 12.3k, 1.5M. */
  public static String rate(double perSecond) {
    if (perSecond == 0) {
      return "0";
    }
    if (perSecond < 10) {
      return String.format(Locale.ROOT, "%.2f", perSecond)
          .replaceAll("0+$", "")
          .replaceAll("\\.$", "");
    }
    if (perSecond < 1000) {
      return String.format(Locale.ROOT, "%.0f", perSecond);
    }
    if (perSecond < 1_000_000) {
      return String.format(Locale.ROOT, "%.1fk", perSecond / 1000);
    }
    return String.format(Locale.ROOT, "%.1fM", perSecond / 1_000_000);
  }

  /** 42 s, 5 min 03 s, 2 h 05 min, 3 d 4 h. */
  public static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + " s";
    }
    long m = seconds / 60;
    if (m < 60) {
      return String.format(Locale.ROOT, "%d min %02d s", m, seconds % 60);
    }
    long h = m / 60;
    if (h < 24) {
      return String.format(Locale.ROOT, "%d h %02d min", h, m % 60);
    }
    return String.format(Locale.ROOT, "%d d %d h", h / 24, h % 24);
  }

  /** 0 % to 100 %, one decimal below 10 %; rounded down, so 100 % means done. */
  public static String percent(long part, long whole) {
    if (whole <= 0) {
      return "100 %";
    }
    double p = 100.0 * part / whole;
    if (p < 10 && p > 0) {
      return String.format(Locale.ROOT, "%.1f %%", Math.floor(p * 10) / 10);
    }
    return String.format(Locale.ROOT, "%d %%", (long) Math.floor(p));
  }

  /** {@code n thing} or {@code n things}. */
  public static String count(long n, String thing) {
    return count(n) + " " + thing + (n == 1 ? "" : "s");
  }

  /** {@code 127.0.0.1:3000}, {@code [::1]:3000}: as one types it, never {@code /127.0.0.1:3000}. */
  public static String address(InetSocketAddress a) {
    return Addresses.format(a);
  }
}
