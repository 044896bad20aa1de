package io.byzerllm.client.prompt.internal;

import java.util.List;

/** Template text as byzerllm's {@code format_prompt_jinja2} sees a docstring: the common indentation removed. */
public final class TemplateText {
  private TemplateText() {}

  /**
   * {@code text} with the indentation shared by its non-blank lines removed, leading blank lines and
   * trailing whitespace dropped (Python's {@code textwrap.dedent} plus a strip). Tabs count as one column.
   */
  public static String dedent(String text) {
    List<String> lines = text.replace("\r\n", "\n").lines().toList();
    int common = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        common = Math.min(common, indentOf(line));
      }
    }
    if (common == Integer.MAX_VALUE) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(common)).append('\n');
    }
    return out.toString().replaceFirst("^\\s*\\n", "").stripTrailing();
  }

  private static int indentOf(String line) {
    int i = 0;
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
