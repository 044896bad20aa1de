package io.byzerllm.deploy;

import java.util.Locale;

/** How workers of one deployment are laid over nodes. */
public enum PlacementStrategy {
  /** One worker per node in turn: survives the loss of a node best. The default. */
  SPREAD,
  /** Fill one node before the next: keeps nodes free for large deployments. */
  PACK;

  public static PlacementStrategy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException("--placement must be spread or pack (got '" + text + "')");
    }
  }
}
