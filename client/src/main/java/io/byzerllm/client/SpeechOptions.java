package io.byzerllm.client;

/**
 * Options of {@link ByzerLLM#speech}: the {@code voice}, the audio {@code responseFormat} (mp3, wav,
 * opus, flac, aac, pcm) and the {@code speed} ({@code null}: the provider's default, 1.0).
 */
public record SpeechOptions(String voice, String responseFormat, Double speed) {
  public static final SpeechOptions DEFAULTS = new SpeechOptions("alloy", "mp3", null);

  public SpeechOptions {
    if (voice == null || voice.isBlank()) {
      throw new IllegalArgumentException("voice is empty; use e.g. \"alloy\"");
    }
    if (responseFormat == null || responseFormat.isBlank()) {
      throw new IllegalArgumentException("responseFormat is empty; use mp3, wav, opus, flac, aac or pcm");
    }
    if (speed != null && !(speed >= 0.25 && speed <= 4.0)) {
      throw new IllegalArgumentException("speed must be between 0.25 and 4.0 (got " + speed + ")");
    }
  }

  public SpeechOptions withVoice(String v) {
    return new SpeechOptions(v, responseFormat, speed);
  }

  public SpeechOptions withResponseFormat(String format) {
    return new SpeechOptions(voice, format, speed);
  }

  public SpeechOptions withSpeed(double s) {
    return new SpeechOptions(voice, responseFormat, s);
  }
}
