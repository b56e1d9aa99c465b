package io.peershare.peer.rate;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rates as a user types them: a number and an optional unit, with an optional {@code /s}. SI
 * prefixes are powers of 1000 ({@code k}, {@code M}, {@code G}, {@code T}, case-insensitive, with
 * or without {@code B}); binary ones, powers of 1024 ({@code KiB}, {@code MiB}, {@code GiB}, {@code
 * TiB}, or {@code Ki}, {@code Mi}...). A bare number is bytes. {@code 0} means unlimited.
 *
 * <pre>
 * "100" = 100    "512k" = 512,000    "20MB" = 20,000,000    "1.5MiB" = 1,572,864    "2 MB/s"
 * </pre>
 */
public final class ByteRate {
  private static final Pattern RATE =
      Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*([a-z]*?)(?:/s)?", Pattern.CASE_INSENSITIVE);

  private ByteRate() {}

  /**
   * Bytes per second for {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static long parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a rate is needed, e.g. 20MB, 512k or 1.5MiB");
    }
    Matcher m = RATE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a rate: write a number and a unit, e.g. 20MB, 512k or 1.5MiB");
    }
    long unit = unit(m.group(2), text);
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is too large a rate");
    }
    long whole = bytes.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    if (whole == 0 && bytes.signum() > 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is less than 1 byte per second; use 0 for no limit");
    }
    return whole;
  }

  private static long unit(String suffix, String text) {
    String s = suffix.toLowerCase(Locale.ROOT);
    if (s.endsWith("b") && !s.equals("b")) {
      s = s.substring(0, s.length() - 1);
    }
    return switch (s) {
      case "", "b" -> 1L;
      case "k" -> 1_000L;
      case "m" -> 1_000_000L;
      case "g" -> 1_000_000_000L;
      case "t" -> 1_000_000_000_000L;
      case "ki" -> 1L << 10;
      case "mi" -> 1L << 20;
      case "gi" -> 1L << 30;
      case "ti" -> 1L << 40;
      default ->
          throw new IllegalArgumentException(
              "unknown unit '"
                  + suffix
                  + "' in '"
                  + text
                  + "': use B, k, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)");
    };
  }

  /** A short human form, e.g. {@code 20 MB/s} or {@code 1500 B/s}. */
  public static String format(long bytesPerSecond) {
    String[] units = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
    int i = 0;
    long scale = 1;
    while (i < units.length - 1
        && bytesPerSecond >= scale * 1000
        && bytesPerSecond % (scale * 1000) == 0) {
      scale *= 1000;
      i++;
    }
    return bytesPerSecond / scale + " " + units[i];
  }
}
