package io.byzerllm.client;

/**
 * Options of {@link ByzerLLM#transcribe}: {@code language} (ISO-639-1, {@code null}: detect),
 * a {@code prompt} to guide the style, the {@code responseFormat} ({@code verbose_json} by default,
 * which gives segments; or json, text, srt, vtt) and the {@code temperature} ({@code null}: default).
 */
public record TranscribeOptions(String language, String prompt, String responseFormat, Double temperature) {
  public static final TranscribeOptions DEFAULTS = new TranscribeOptions(null, null, "verbose_json", null);

  public TranscribeOptions {
    responseFormat = responseFormat == null || responseFormat.isBlank() ? "verbose_json" : responseFormat;
  }

  public TranscribeOptions withLanguage(String l) {
    return new TranscribeOptions(l, prompt, responseFormat, temperature);
  }

  public TranscribeOptions withPrompt(String p) {
    return new TranscribeOptions(language, p, responseFormat, temperature);
  }

  public TranscribeOptions withResponseFormat(String f) {
    return new TranscribeOptions(language, prompt, f, temperature);
  }

  public TranscribeOptions withTemperature(double t) {
    return new TranscribeOptions(language, prompt, responseFormat, t);
  }
}
