package io.byzerllm.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One chat message, the typed alternative to byzerllm's {@code {"role": ..., "content": ...}} maps
 * (both may be passed to {@link ByzerLLM#chatOai(List)}). The content is either {@code text} or, for
 * vision, a list of {@code parts}; exactly one of them is set.
 */
public record Message(String role, String text, List<ContentPart> parts) {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  public Message {
    if (role == null || !ROLES.contains(role)) {
      throw new IllegalArgumentException("message role must be one of " + ROLES + " (got '" + role + "')");
    }
    if ((text == null) == (parts == null)) {
      throw new IllegalArgumentException("a message holds either text or parts, exactly one of them");
    }
    parts = parts == null ? null : List.copyOf(parts);
  }

  public static Message system(String text) {
    return new Message("system", text, null);
  }

  public static Message user(String text) {
    return new Message("user", text, null);
  }

  /** A user message made of parts, e.g. an image and a question about it. */
  public static Message user(List<ContentPart> parts) {
    return new Message("user", null, parts);
  }

  public static Message assistant(String text) {
    return new Message("assistant", text, null);
  }

  /** The OpenAI wire shape: {@code {"role", "content"}}, content a string or an array of parts. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("content", text != null ? text : parts.stream().map(ContentPart::toMap).toList());
    return m;
  }
}
