package io.byzerllm.examples;

import io.byzerllm.client.prompt.Prompt;
import io.byzerllm.client.prompt.PromptFunctions;
import java.io.PrintStream;

/** Guide: "动态换一个模型" — run the same prompt function with another model ({@code --other NAME}). */
public final class SwitchModel {
  private SwitchModel() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Prompt<String> hello = PromptFunctions.function(HelloWorld.Greeter.class, "hello");
    String other = args.option("other", args.model());
    out.println(hello.withLlm(args.llm(other)).run("你是谁"));
  }
}
