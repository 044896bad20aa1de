package io.byzerllm.examples;

import io.byzerllm.client.prompt.Prompt;
import java.io.PrintStream;
import java.util.Map;

/**
 * Guide: "超长文本生成" — with response markers the answer is asked for in as many calls as needed,
 * even when each call may write only 10 tokens.
 */
public final class LongText {
  private LongText() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    String story = Prompt.of("""
            讲一个100字的故事。
            """)
        .withLlm(args.llm())
        .withResponseMarkers()
        .options(Map.of("llm_config", Map.of("max_length", 10)))
        .run();
    out.println(story);
  }
}
