package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jline.utils.InfoCmp;
import org.jline.utils.InfoCmp.Capability;
import org.junit.jupiter.api.Test;

/** Our copy of JLine's descriptions, and our parse of them, against JLine's own. */
class TerminalDescriptionsTest {
  private static final List<String> TYPES =
      List.of("xterm", "xterm-256color", "screen", "screen-256color");

  @Test
  void holdsTheDescriptionsOfTheJLineOnTheClassPath() {
    for (String type : TYPES) {
      assertThat(TerminalDescriptions.of(type)).as(type).isEqualTo(InfoCmp.getDefaultInfoCmp(type));
    }
    // tmux's types: the screen type each extends
    assertThat(TerminalDescriptions.of("tmux-256color"))
        .isEqualTo(InfoCmp.getDefaultInfoCmp("screen-256color"));
    assertThat(TerminalDescriptions.of("tmux")).isEqualTo(InfoCmp.getDefaultInfoCmp("screen"));
    for (String other : List.of("vt100", "tmux-direct", "dumb", "ansi", "")) {
      assertThat(TerminalDescriptions.of(other)).as(other).isNull();
    }
    assertThat(TerminalDescriptions.of(null)).isNull();
  }

  @Test
  void namesEveryCapabilityAsJLineDoes() {
    assertThat(TerminalDescriptions.byName())
        .hasSizeGreaterThan(900)
        .isEqualTo(InfoCmp.getCapabilitiesByName());
  }

  @Test
  void parsesEachDescriptionAsJLineDoes() {
    for (String type : TYPES) {
      String description = TerminalDescriptions.of(type);
      Set<Capability> bools = EnumSet.noneOf(Capability.class);
      Map<Capability, Integer> ints = new EnumMap<>(Capability.class);
      Map<Capability, String> strings = new EnumMap<>(Capability.class);
      TerminalDescriptions.parse(description, bools, ints, strings);

      Set<Capability> jlineBools = EnumSet.noneOf(Capability.class);
      Map<Capability, Integer> jlineInts = new EnumMap<>(Capability.class);
      Map<Capability, String> jlineStrings = new EnumMap<>(Capability.class);
      InfoCmp.parseInfoCmp(description, jlineBools, jlineInts, jlineStrings);

      assertThat(bools).as(type).isEqualTo(jlineBools);
      assertThat(ints).as(type).isEqualTo(jlineInts);
      assertThat(strings).as(type).isEqualTo(jlineStrings);
    }
  }

  @Test
  void readsFlagsNumbersAndStrings() {
    Set<Capability> bools = EnumSet.noneOf(Capability.class);
    Map<Capability, Integer> ints = new EnumMap<>(Capability.class);
    Map<Capability, String> strings = new EnumMap<>(Capability.class);
    TerminalDescriptions.parse(TerminalDescriptions.XTERM_256COLOR, bools, ints, strings);
    assertThat(bools).contains(Capability.auto_right_margin, Capability.eat_newline_glitch);
    assertThat(ints)
        .containsEntry(Capability.max_colors, 256)
        .containsEntry(Capability.max_pairs, 32767);
    assertThat(strings)
        .containsEntry(Capability.key_up, "\\EOA")
        .containsEntry(Capability.cursor_address, "\\E[%i%p1%d;%p2%dH")
        .containsEntry(Capability.bell, "^G");

    // numbers as JLine reads them: 0x hexadecimal, a leading 0 octal
    Map<Capability, Integer> more = new EnumMap<>(Capability.class);
    TerminalDescriptions.parse(
        "# comment\nname|a test,\n\tcolors#0x10, pairs#010, cols#0, it#8,\n",
        EnumSet.noneOf(Capability.class),
        more,
        new EnumMap<>(Capability.class));
    assertThat(more)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Capability.max_colors, 16,
                Capability.max_pairs, 8,
                Capability.columns, 0,
                Capability.init_tabs, 8));
  }
}
