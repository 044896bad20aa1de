package io.byzerllm.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that may travel to a log, an error or a listing: the known secret values
 * of a deployment, plus anything shaped like a bearer token or an {@code sk-...} key.
 */
public final class Redactor {
  private static final Pattern KEY_SHAPED = Pattern.compile("sk-[A-Za-z0-9_\\-]{6,}");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._\\-]{6,}");
  private static final int MIN_CREDENTIAL = 8;
  public static final Redactor SHAPES_ONLY = new Redactor(List.of());

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /**
   * A redactor for these secret values (blank ones are ignored). A value with a scheme, such as
   * the header value {@code Bearer abc...} or {@code Basic abc...}, is hidden whole and by its
   * credential alone, since a provider that echoes it usually echoes only the credential.
   */
  public static Redactor of(Collection<String> secrets) {
    List<String> out = new ArrayList<>();
    for (String s : secrets) {
      if (s == null) {
        continue;
      }
      out.add(s);
      String credential = s.strip().substring(s.strip().lastIndexOf(' ') + 1);
      if (!credential.equals(s) && credential.length() >= MIN_CREDENTIAL) {
        out.add(credential);
      }
    }
    // longest first, so a value is never half-hidden by a shorter one it contains
    return new Redactor(out.stream().filter(s -> s.length() >= 4).distinct()
        .sorted(Comparator.comparingInt(String::length).reversed()).toList());
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
