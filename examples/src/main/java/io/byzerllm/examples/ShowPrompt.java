package io.byzerllm.examples;

import io.byzerllm.client.prompt.Prompt;
import io.byzerllm.client.prompt.PromptFunctions;
import java.io.PrintStream;

/** Guide: "查看发送给大模型的prompt" — render a prompt function without calling the model. */
public final class ShowPrompt {
  private ShowPrompt() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Prompt<String> hello = PromptFunctions.function(HelloWorld.Greeter.class, "hello");
    out.println(hello.prompt("你是谁"));                                    // 你好, 你是谁
    out.println(Prompt.of("你好, {{ q }}").prompt("q", "你是谁"));          // the fluent shape, same text
  }
}
