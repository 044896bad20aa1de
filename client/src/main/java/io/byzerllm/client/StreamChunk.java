package io.byzerllm.client;

/**
 * One step of a {@link ChatStream}: byzerllm's {@code (text, meta)} pair. In delta mode {@code text}
 * is only what is new; otherwise it is everything so far.
 */
public record StreamChunk(String text, SingleOutputMeta meta) {
  public StreamChunk {
    text = text == null ? "" : text;
  }
}
