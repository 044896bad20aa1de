package io.byzerllm.examples;

import io.byzerllm.client.prompt.Prompt;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Guide: "使用历史对话" — earlier turns sent before the prompt with {@code withConversation}. */
public final class History {
  private History() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    List<Map<String, String>> conversation = List.of(
        Map.of("role", "user", "content", "你好，请讲一个关于太空的故事"),
        Map.of("role", "assistant", "content", "好的，这是一个关于宇航员在火星上发现神秘遗迹的故事..."));
    String result = Prompt.of("""
            请继续上面的故事，增加一些戏剧性的转折
            """)
        .withLlm(args.llm())
        .withConversation(conversation)
        .run();
    out.println(result);
  }
}
