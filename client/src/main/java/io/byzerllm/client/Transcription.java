package io.byzerllm.client;

import java.util.List;

/**
 * What {@link ByzerLLM#transcribe} heard: the whole {@code text}, the provider's {@code body} as it
 * came (JSON for json/verbose_json, the text itself for text/srt/vtt), and the timed {@code segments}
 * when the format carries them ({@code verbose_json}); empty otherwise.
 */
public record Transcription(String text, String body, List<Segment> segments) {
  public Transcription {
    text = text == null ? "" : text;
    body = body == null ? "" : body;
    segments = segments == null ? List.of() : List.copyOf(segments);
  }

  /** One timed piece of the transcript; {@code start} and {@code end} in seconds. */
  public record Segment(double start, double end, String text) {}
}
