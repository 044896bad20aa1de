package io.byzerllm.examples;

import io.byzerllm.client.ChatStream;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.Message;
import io.byzerllm.client.StreamChunk;
import java.io.PrintStream;
import java.util.List;

/** Guide: "Stream 模式" — the lower-level streamChatOai (deltas + meta) and chatOai (output + metadata). */
public final class StreamChat {
  private StreamChat() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    var llm = args.llm();
    try (ChatStream v = llm.streamChatOai(List.of(Message.user("你好，你是谁")), true)) {
      for (StreamChunk chunk : v) {
        out.println(chunk.text());
        if (!chunk.meta().finishReason().isEmpty()) {
          out.println("meta: " + chunk.meta());
        }
      }
    }

    LLMResponse r = llm.chatOai(List.of(Message.user("你好，你是谁"))).get(0);
    out.println(r.output());
    out.println("metadata: " + r.metadata());
  }
}
