package io.peershare.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code O} filter: a substring match on UTF-8 bytes that folds ASCII letters only. */
class NameFilterTest {
  private static boolean contains(String name, String filter) {
    return NameFilter.contains(
        name.getBytes(StandardCharsets.UTF_8), filter.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void foldsAsciiLettersOnly() {
    assertThat(contains("Holiday.MP4", "mp4")).isTrue();
    assertThat(contains("holiday.mp4", "HOLI")).isTrue();
    assertThat(contains("anything", "")).isTrue();
    assertThat(contains("", "")).isTrue();
    assertThat(contains("ab", "abc")).isFalse();
    assertThat(contains("abc", "abd")).isFalse();
    // non-ASCII letters must match exactly
    assertThat(contains("\u00c9T\u00c9", "\u00e9t\u00e9")).isFalse();
    assertThat(contains("\u00c9T\u00c9", "\u00c9t\u00c9")).isTrue();
    assertThat(contains("STRASSE", "stra\u00dfe")).isFalse();
    assertThat(contains("\u212a", "k")).isFalse(); // Kelvin sign
    assertThat(contains("\u0130", "i")).isFalse(); // dotted capital I
    assertThat(contains("\u0131", "I")).isFalse(); // dotless i
    // only letters fold: '@' (0x40) is not '`' (0x60), '[' is not '{'
    assertThat(contains("a@b", "a`b")).isFalse();
    assertThat(contains("a[b", "a{b")).isFalse();
    assertThat(contains("Z", "z")).isTrue();
    assertThat(contains("z", "Z")).isTrue();
  }
}
