package io.byzerllm.client.prompt;

import io.byzerllm.client.SingleOutputMeta;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Receives the metadata of the calls a prompt function makes, byzerllm's {@code MetaHolder}: pass it
 * with {@code withMeta(holder)} (or as a {@code MetaHolder} parameter of a prompt method), run, then
 * read it. A blocking call sets it when the answer arrives; a stream updates it with every chunk, so
 * after the stream is read its values are final (token counts arrive with the last chunk).
 * Thread-safe; the latest call wins.
 */
public final class MetaHolder {
  private volatile MetaOutput meta = MetaOutput.EMPTY;

  /** byzerllm's {@code get_meta()}: {@code input_tokens_count, generated_tokens_count, reasoning_content, finish_reason, first_token_time}. */
  public Map<String, Object> getMeta() {
    MetaOutput m = meta;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("input_tokens_count", m.inputTokensCount());
    out.put("generated_tokens_count", m.generatedTokensCount());
    out.put("reasoning_content", m.reasoningContent());
    out.put("finish_reason", m.finishReason());
    out.put("first_token_time", m.firstTokenTime());
    return out;
  }

  /** byzerllm's {@code get_meta_model()}: the same values, typed. */
  public MetaOutput getMetaModel() {
    return meta;
  }

  /** Records a blocking call's metadata (an {@link io.byzerllm.client.LLMResponse#metadata()} map). */
  public void set(Map<String, Object> metadata) {
    meta = new MetaOutput(intOf(metadata.get("input_tokens_count")), intOf(metadata.get("generated_tokens_count")),
        String.valueOf(metadata.getOrDefault("reasoning_content", "")),
        String.valueOf(metadata.getOrDefault("finish_reason", "")),
        metadata.get("first_token_time") instanceof Number n ? n.doubleValue() : 0);
  }

  /** Records a stream chunk's metadata; the reasoning content accumulates over the chunks of one stream. */
  public void set(SingleOutputMeta chunk, String reasoningSoFar) {
    meta = new MetaOutput(chunk.inputTokensCount(), chunk.generatedTokensCount(), reasoningSoFar,
        chunk.finishReason(), chunk.firstTokenTime());
  }

  /** Forgets what was recorded. */
  public void clear() {
    meta = MetaOutput.EMPTY;
  }

  private static int intOf(Object v) {
    return v instanceof Number n ? n.intValue() : 0;
  }

  @Override
  public String toString() {
    return "MetaHolder" + getMeta();
  }
}
