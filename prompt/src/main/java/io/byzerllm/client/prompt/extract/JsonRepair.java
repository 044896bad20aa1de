package io.byzerllm.client.prompt.extract;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Light repair of the JSON a model writes, done before the lenient parse of {@link JsonExtractor}
 * (which already accepts single quotes, unquoted keys, trailing commas and comments). This pass
 * fixes what no JSON parser accepts: Python literals ({@code True}, {@code False}, {@code None}),
 * typographic quotes around strings, and brackets or a string left open when the answer was cut off.
 */
public final class JsonRepair {
  private JsonRepair() {}

  /** The repaired text; text that needs no repair comes back unchanged. */
  public static String repair(String json) {
    String s = json.strip().replace('\u201C', '"').replace('\u201D', '"');
    StringBuilder out = new StringBuilder(s.length() + 8);
    Deque<Character> open = new ArrayDeque<>();
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        out.append(c);
        if (c == '\\' && i + 1 < s.length()) {
          out.append(s.charAt(++i));
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        out.append(c);
      } else if (c == '{' || c == '[') {
        open.push(c == '{' ? '}' : ']');
        out.append(c);
      } else if ((c == '}' || c == ']') && !open.isEmpty()) {
        open.pop();
        out.append(c);
      } else if (Character.isLetter(c) && (i == 0 || !isWordChar(s.charAt(i - 1)))) {
        i = literal(s, i, out) - 1;
      } else {
        out.append(c);
      }
    }
    if (quote != 0) {
      out.append(quote);
    }
    while (!open.isEmpty()) {
      out.append(open.pop());
    }
    return out.toString();
  }

  /** Copies the word starting at {@code start}, translating Python literals; returns the index after it. */
  private static int literal(String s, int start, StringBuilder out) {
    int end = start;
    while (end < s.length() && isWordChar(s.charAt(end))) {
      end++;
    }
    String word = s.substring(start, end);
    out.append(switch (word) {
      case "True" -> "true";
      case "False" -> "false";
      case "None" -> "null";
      default -> word;
    });
    return end;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
