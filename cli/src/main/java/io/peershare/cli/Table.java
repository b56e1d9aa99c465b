package io.peershare.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table with a header and left-aligned columns, padded by the width each cell takes on
 * a terminal ({@link Text#width}), so a name in Chinese or Japanese, whose characters take two
 * columns each, does not push the rest of its row to the right.
 */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  Table(String... header) {
    columns = header.length;
    rows.add(header);
  }

  void row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("expected " + columns + " cells");
    }
    rows.add(cells);
  }

  void print(PrintWriter out) {
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], Text.width(r[i]));
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(r[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - Text.width(r[i]) + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
