package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's thinking blocks put back together from the fragments a stream carries as LiteLLM
 * streams them: a {@code thinking} fragment's text is appended to the open thinking block, a fragment
 * with a {@code signature} closes it (the next thinking piece starts a new block), and any other block
 * ({@code redacted_thinking}) arrives whole. Used from one thread at a time.
 */
final class ThinkingBlocks {
  private final ArrayNode blocks = SaasJson.MAPPER.createArrayNode();
  private ObjectNode open;

  void add(JsonNode fragment) {
    if (!fragment.path("type").asText().equals("thinking")) {
      blocks.add(fragment.deepCopy());
      open = null;
      return;
    }
    if (open == null) {
      open = blocks.addObject().put("type", "thinking").put("thinking", "");
    }
    open.put("thinking", open.path("thinking").asText() + fragment.path("thinking").asText(""));
    if (fragment.path("signature").isTextual()) {
      open.put("signature", fragment.get("signature").asText());
      open = null;
    }
  }

  /** The blocks in the order they arrived, or null when none did. */
  ArrayNode blocks() {
    return blocks.isEmpty() ? null : blocks;
  }
}
