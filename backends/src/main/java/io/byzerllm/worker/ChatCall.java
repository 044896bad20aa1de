package io.byzerllm.worker;

import java.util.List;

/** A chat completion asked of one model. {@code requestId} is ours, echoed in results and logs. */
public record ChatCall(String requestId, List<ChatMessage> messages, ChatOptions options) {
  public ChatCall {
    if (messages == null || messages.isEmpty()) {
      throw new IllegalArgumentException("a chat call needs at least one message");
    }
    messages = List.copyOf(messages);
    options = options == null ? ChatOptions.DEFAULTS : options;
  }

  public ChatMessage last() {
    return messages.get(messages.size() - 1);
  }
}
