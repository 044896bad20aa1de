package io.byzerllm.client.prompt.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The free variables of a Jinja2 template: the top-level names its expressions read that no
 * {@code for}, {@code set} or {@code macro} of the template defines. Used to check, once, that a
 * prompt method's parameters and its template agree. A scan, not a parser: it knows Jinja2's
 * keywords and skips attributes ({@code task.name}), filters ({@code | upper}), tests
 * ({@code is defined}), calls ({@code range(3)}) and string literals.
 */
public final class TemplateVariables {
  private static final Pattern SECTION = Pattern.compile("\\{\\{-?(.*?)-?}}|\\{%-?(.*?)-?%}|\\{#.*?#}", Pattern.DOTALL);
  private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "in", "is", "if", "else", "elif", "true",
      "false", "none", "True", "False", "None", "loop", "super", "self", "varargs", "kwargs", "caller");

  private TemplateVariables() {}

  public static Set<String> free(String template) {
    Set<String> read = new LinkedHashSet<>();
    Set<String> defined = new LinkedHashSet<>();
    Matcher m = SECTION.matcher(template);
    while (m.find()) {
      if (m.group(1) != null) {
        names(m.group(1), read);
      } else if (m.group(2) != null) {
        statement(m.group(2).strip(), read, defined);
      }
    }
    read.removeAll(defined);
    return read;
  }

  private static void statement(String body, Set<String> read, Set<String> defined) {
    String tag = body.split("\\s+", 2)[0];
    String rest = body.substring(tag.length()).strip();
    switch (tag) {
      case "for" -> {
        int in = rest.indexOf(" in ");
        if (in > 0) {
          names(rest.substring(0, in), defined);
          names(rest.substring(in + 4), read);
        }
      }
      case "set" -> {
        int eq = rest.indexOf('=');
        names(eq > 0 ? rest.substring(0, eq) : rest, defined);
        if (eq > 0) {
          names(rest.substring(eq + 1), read);
        }
      }
      case "macro" -> names(rest.replaceAll("=[^,)]*", ""), defined);
      case "if", "elif", "print", "do" -> names(rest, read);
      default -> { } // endfor, else, raw, filter, ...: nothing the caller must supply
    }
  }

  private static void names(String expression, Set<String> into) {
    String code = STRING.matcher(expression).replaceAll("''");
    Matcher m = NAME.matcher(code);
    String previousWord = "";
    while (m.find()) {
      String name = m.group();
      char before = lastNonSpace(code, m.start());
      char after = firstNonSpace(code, m.end());
      boolean attributeOrFilter = before == '.' || before == '|';
      boolean test = previousWord.equals("is") || (previousWord.equals("not") && testContext(code, m.start()));
      boolean keywordArgument = after == '=' && !code.substring(m.end()).stripLeading().startsWith("==");
      if (!attributeOrFilter && !test && after != '(' && !keywordArgument && !KEYWORDS.contains(name)
          && !Character.isDigit(name.charAt(0))) {
        into.add(name);
      }
      previousWord = name;
    }
  }

  private static boolean testContext(String code, int at) {
    return code.substring(0, at).stripTrailing().matches("(?s).*\\bis\\s+not$");
  }

  private static char lastNonSpace(String s, int before) {
    for (int i = before - 1; i >= 0; i--) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return s.charAt(i);
      }
    }
    return 0;
  }

  private static char firstNonSpace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return s.charAt(i);
      }
    }
    return 0;
  }
}
