package io.byzerllm.examples;

import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.Prompt;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Guide: "Chat Prefix Completion" — the last message is the start of the assistant's answer
 * ({@code gen.response_prefix}), optionally with stop sequences ({@code gen.stop}); from chatOai and
 * from a prompt function.
 */
public final class PrefixCompletion {
  private PrefixCompletion() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    var response = args.llm().chatOai(
        List.of(Message.user("请写一段快速排序的 Python 代码"), Message.assistant("```python\n")),
        Map.of("gen.response_prefix", true, "gen.stop", List.of("```")));
    out.println(response.get(0).output());

    String code = Prompt.of("请写一段快速排序的 Python 代码")
        .withLlm(args.llm())
        .withReturnPrefix("```python\n")
        .withStopSuffixList(List.of("```"))
        .run();
    out.println(code);
  }
}
