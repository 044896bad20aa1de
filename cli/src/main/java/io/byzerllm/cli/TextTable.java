package io.byzerllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain left-aligned text table, columns as wide as their widest cell. */
final class TextTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = List.of(header);
  }

  TextTable row(Object... cells) {
    List<String> r = new ArrayList<>();
    for (Object c : cells) {
      r.add(c == null ? "" : c.toString());
    }
    rows.add(r);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> r : rows) {
        width[i] = Math.max(width[i], i < r.size() ? r.get(i).length() : 0);
      }
    }
    line(out, header, width);
    rows.forEach(r -> line(out, r, width));
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String c = i < cells.size() ? cells.get(i) : "";
      sb.append(c);
      if (i < width.length - 1) {
        sb.append(" ".repeat(width[i] - c.length() + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }
}
