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
    assertThat(c(U_10000).compareTo(c(U_FFFF))).isPositive();
    assertThat(U_10000.compareTo(U_E000)).isNegative();
    assertThat(c(U_10000).compareTo(c(U_E000))).isPositive();

    List<String> names = new ArrayList<>(List.of(U_10000, U_FFFF, "z", U_E000, "\u00e9", "A"));
    assertThat(names.stream().map(ContentName::of).sorted().map(ContentName::toString))
        .containsExactly("A", "z", "\u00e9", U_E000, U_FFFF, U_10000);
    names.sort(Comparator.naturalOrder());
    assertThat(names).containsExactly("A", "z", "\u00e9", U_10000, U_E000, U_FFFF);
  }

  @Test
  void byteOrderIsUnsignedAndCaseSensitive() {
    assertThat(c("a").compareTo(c("\u00e9"))).isNegative(); // 0x61 < 0xc3 unsigned
    assertThat(c("B").compareTo(c("a"))).isNegative();
    assertThat(c("a").compareTo(c("A"))).isPositive();
    assertThat(c("ab").compareTo(c("abc"))).isNegative();
    assertThat(c("same").compareTo(c("same"))).isZero();
  }

  @Test
  void peerNameRules() {
    assertThat(PeerName.isValid("alice")).isTrue();
    assertThat(PeerName.isValid("p".repeat(32))).isTrue();
    assertThat(PeerName.isValid("\u00e9".repeat(16))).isTrue();
    assertThat(PeerName.isValid(" lead and trail ")).isTrue();
    assertThat(PeerName.isValid(".")).isTrue();
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
      assertThat(PeerName.isValid(bad)).as("%s", bad).isFalse();
      assertThatThrownBy(() -> PeerName.of(bad)).isInstanceOf(InvalidNameException.class);
    }
    for (String good : List.of("alice", "p".repeat(32), ".")) {
      assertThat(PeerName.of(good)).hasToString(good);
    }
    assertThat(PeerName.isValid(null)).isFalse();
  }

  @Test
  void contentNameRules() {
    assertThat(ContentName.isValid("c".repeat(255))).isTrue();
    assertThat(ContentName.isValid("...")).isTrue();
    assertThat(ContentName.isValid(".hidden")).isTrue();
    assertThat(ContentName.isValid("a b")).isTrue();
    assertThat(ContentName.isValid("\u00a0nbsp\u00a0")).isTrue(); // only U+0020 is "space"
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
      assertThat(ContentName.isValid(bad)).as("%s", bad).isFalse();
      assertThatThrownBy(() -> ContentName.of(bad)).isInstanceOf(InvalidNameException.class);
    }
  }

  @Test
  void anInvalidNameSaysWhichRuleItBreaksOnOneSafeLine() {
    assertThatThrownBy(() -> ContentName.of("a/b"))
        .isInstanceOfSatisfying(
            InvalidNameException.class,
            e -> {
              assertThat(e)
                  .hasMessage("'a/b' is not a valid content name: it cannot hold '/' or '\\'");
              assertThat(e.input()).isEqualTo("a/b");
              assertThat(e.reason()).isEqualTo("cannot hold '/' or '\\'");
            });
    assertThatThrownBy(() -> PeerName.of(""))
        .hasMessage("'' is not a valid peer name: it cannot be empty");
    assertThatThrownBy(() -> PeerName.of("p".repeat(33)))
        .hasMessage(
            "'"
                + "p".repeat(33)
                + "' is not a valid peer name: it is at most 32 bytes of UTF-8, this one has 33");
    // control characters are shown as '?', so the message cannot drive a terminal
    assertThatThrownBy(() -> ContentName.of("a\u001b[2Jb"))
        .hasMessage("'a?[2Jb' is not a valid content name: it cannot hold control characters");
    // a long name is cut where it is quoted, not in what the exception keeps
    String longName = "\u20ac".repeat(100);
    assertThatThrownBy(() -> ContentName.of(longName))
        .isInstanceOfSatisfying(
            InvalidNameException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith("'" + "\u20ac".repeat(64) + "\u2026' is not a valid content name")
                  .endsWith("it is at most 255 bytes of UTF-8, this one has 300");
              assertThat(e.input()).isEqualTo(longName);
            });
    assertThatThrownBy(() -> ContentName.of(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void namesAreEqualWhenTheirTextIs() {
    assertThat(c("song.ogg")).isEqualTo(c("song.ogg")).hasSameHashCodeAs(c("song.ogg"));
    assertThat(c("song.ogg")).isNotEqualTo(c("Song.ogg"));
    assertThat(PeerName.of("mai")).isEqualTo(PeerName.of("mai")).isNotEqualTo(PeerName.of("bo"));
    assertThat((Object) PeerName.of("x")).isNotEqualTo(c("x"));
    assertThat(c(U_10000)).hasToString(U_10000);
  }

  private static ContentName c(String name) {
    return ContentName.of(name);
  }
}
