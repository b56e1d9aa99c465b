package io.peershare.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {
  private static final String U_FFFF = "\uffff";
  private static final String U_E000 = "\ue000";
  private static final String U_10000 = Character.toString(0x10000); // \ud800\udc00

  @Test
  void byteOrderDiffersFromUtf16OrderAboveUffff() {
    // UTF-16: D800 < E000 < FFFF; UTF-8: EE.. < EF.. < F0..
    assertThat(U_10000.compareTo(U_FFFF)).isNegative();
    assertThat(Names.compareBytes(U_10000, U_FFFF)).isPositive();
    assertThat(U_10000.compareTo(U_E000)).isNegative();
    assertThat(Names.compareBytes(U_10000, U_E000)).isPositive();

    List<String> names = new ArrayList<>(List.of(U_10000, U_FFFF, "z", U_E000, "\u00e9", "A"));
    names.sort(Names::compareBytes);
    assertThat(names).containsExactly("A", "z", "\u00e9", U_E000, U_FFFF, U_10000);
    names.sort(Comparator.naturalOrder());
    assertThat(names).containsExactly("A", "z", "\u00e9", U_10000, U_E000, U_FFFF);
  }

  @Test
  void byteOrderIsUnsignedAndCaseSensitive() {
    assertThat(Names.compareBytes("a", "\u00e9")).isNegative(); // 0x61 < 0xc3 unsigned
    assertThat(Names.compareBytes("B", "a")).isNegative();
    assertThat(Names.compareBytes("a", "A")).isPositive();
    assertThat(Names.compareBytes("ab", "abc")).isNegative();
    assertThat(Names.compareBytes("same", "same")).isZero();
  }

  @Test
  void containsFoldedFoldsAsciiLettersOnly() {
    assertThat(Names.containsFolded("Holiday.MP4", "mp4")).isTrue();
    assertThat(Names.containsFolded("holiday.mp4", "HOLI")).isTrue();
    assertThat(Names.containsFolded("anything", "")).isTrue();
    assertThat(Names.containsFolded("", "")).isTrue();
    assertThat(Names.containsFolded("ab", "abc")).isFalse();
    assertThat(Names.containsFolded("abc", "abd")).isFalse();
    // non-ASCII letters must match exactly
    assertThat(Names.containsFolded("\u00c9T\u00c9", "\u00e9t\u00e9")).isFalse();
    assertThat(Names.containsFolded("\u00c9T\u00c9", "\u00c9t\u00c9")).isTrue();
    assertThat(Names.containsFolded("STRASSE", "stra\u00dfe")).isFalse();
    assertThat(Names.containsFolded("\u212a", "k")).isFalse(); // Kelvin sign
    assertThat(Names.containsFolded("\u0130", "i")).isFalse(); // dotted capital I
    assertThat(Names.containsFolded("\u0131", "I")).isFalse(); // dotless i
    // only letters fold: '@' (0x40) is not '`' (0x60), '[' is not '{'
    assertThat(Names.containsFolded("a@b", "a`b")).isFalse();
    assertThat(Names.containsFolded("a[b", "a{b")).isFalse();
    assertThat(Names.containsFolded("Z", "z")).isTrue();
    assertThat(Names.containsFolded("z", "Z")).isTrue();
  }

  @Test
  void peerNameRules() {
    assertThat(Names.isValidPeerName("alice")).isTrue();
    assertThat(Names.isValidPeerName("p".repeat(32))).isTrue();
    assertThat(Names.isValidPeerName("\u00e9".repeat(16))).isTrue();
    assertThat(Names.isValidPeerName(" lead and trail ")).isTrue();
    assertThat(Names.isValidPeerName(".")).isTrue();
    for (String bad :
        List.of(
            "",
            "p".repeat(33),
            "\u00e9".repeat(16) + "x",
            "\u20ac".repeat(11),
            "a\u0000",
            "a\u001f",
            "a\u007f",
            "\n",
            "a/b",
            "a\\b",
            "\ud800",
            "x\udc00")) {
      assertThat(Names.isValidPeerName(bad)).as("%s", bad).isFalse();
    }
    assertThatThrownBy(() -> Names.requirePeerName(""))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
    assertThat(Names.isValidPeerName(null)).isFalse();
  }

  @Test
  void contentNameRules() {
    assertThat(Names.isValidContentName("c".repeat(255))).isTrue();
    assertThat(Names.isValidContentName("...")).isTrue();
    assertThat(Names.isValidContentName(".hidden")).isTrue();
    assertThat(Names.isValidContentName("a b")).isTrue();
    assertThat(Names.isValidContentName("\u00a0nbsp\u00a0")).isTrue(); // only U+0020 is "space"
    for (String bad :
        List.of(
            "",
            "c".repeat(256),
            "\u20ac".repeat(85) + "c",
            ".",
            "..",
            " a",
            "a ",
            " ",
            "a\u0000b",
            "a\u0009b",
            "a\u007fb",
            "a/b",
            "a\\b",
            "../x",
            "\udfff")) {
      assertThat(Names.isValidContentName(bad)).as("%s", bad).isFalse();
    }
  }
}
