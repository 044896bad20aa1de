package io.byzerllm.deploy;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that may travel to a log, an error or a listing: the known secret values
 * of a deployment, plus anything shaped like a bearer token or an {@code sk-...} key.
 */
public final class Redactor {
  private static final Pattern KEY_SHAPED = Pattern.compile("sk-[A-Za-z0-9_\\-]{6,}");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._\\-]{6,}");
  public static final Redactor SHAPES_ONLY = new Redactor(List.of());

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** A redactor for these secret values (blank ones are ignored). */
  public static Redactor of(Collection<String> secrets) {
    return new Redactor(secrets.stream().filter(s -> s != null && s.length() >= 4).toList());
  }

  public String apply(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, Secrets.MASK);
    }
    out = KEY_SHAPED.matcher(out).replaceAll(Secrets.MASK);
    return BEARER.matcher(out).replaceAll("$1" + Secrets.MASK);
  }
}
