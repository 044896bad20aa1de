package io.byzerllm.client;

/**
 * Options of {@link ByzerLLM#generateImage}: how many images ({@code n}), {@code size} such as
 * {@code 1024x1024}, {@code quality} and {@code style}; {@code null} leaves the provider's default.
 */
public record ImageOptions(Integer n, String size, String quality, String style) {
  public static final ImageOptions DEFAULTS = new ImageOptions(null, null, null, null);

  public ImageOptions {
    if (n != null && n < 1) {
      throw new IllegalArgumentException("n must be >= 1 (got " + n + ")");
    }
  }

  public ImageOptions withN(int count) {
    return new ImageOptions(count, size, quality, style);
  }

  public ImageOptions withSize(String s) {
    return new ImageOptions(n, s, quality, style);
  }

  public ImageOptions withQuality(String q) {
    return new ImageOptions(n, size, q, style);
  }

  public ImageOptions withStyle(String s) {
    return new ImageOptions(n, size, quality, s);
  }
}
