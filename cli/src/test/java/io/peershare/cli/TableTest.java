package io.peershare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  private static List<String> print(Table t) {
    StringWriter s = new StringWriter();
    t.print(new PrintWriter(s, true));
    return s.toString().lines().toList();
  }

  /** The column where {@code cell} starts on a terminal, in {@code line}. */
  private static int columnOf(String line, String cell) {
    return Text.width(line.substring(0, line.indexOf(cell)));
  }

  @Test
  void wideCharactersArePaddedByTheColumnsTheyTake() {
    Table t = new Table("name", "size", "providers");
    t.row("日本語のファイル.txt", "12 KiB", "1");
    t.row("lorem", "5.0 MiB", "2");
    t.row("café", "1 B", "3");
    List<String> lines = print(t);

    assertThat(lines)
        .containsExactly(
            "name                  size     providers",
            "日本語のファイル.txt  12 KiB   1",
            "lorem                 5.0 MiB  2",
            "café                  1 B      3");
    assertThat(columnOf(lines.get(1), "12 KiB"))
        .isEqualTo(columnOf(lines.get(0), "size"))
        .isEqualTo(columnOf(lines.get(2), "5.0 MiB"))
        .isEqualTo(22);
  }

  @Test
  void widthCountsTerminalColumns() {
    assertThat(Text.width("lorem")).isEqualTo(5);
    assertThat(Text.width("日本語")).isEqualTo(6);
    assertThat(Text.width("cafe\u0301")).as("e + combining acute").isEqualTo(4);
    assertThat(Text.width("한국어 파일")).isEqualTo(11);
  }
}
