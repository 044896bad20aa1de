package io.byzerllm.examples;

import io.byzerllm.client.prompt.PromptFunctions;
import io.byzerllm.client.prompt.annotation.Prompt;
import java.io.PrintStream;

/** Guide: "hello world" — a method turned into a model call. */
public final class HelloWorld {
  /** The declarative shape: the template on the method, the parameter bound by name. */
  public interface Greeter {
    @Prompt("""
        你好, {{ q }}
        """)
    String hello(String q);
  }

  private HelloWorld() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Greeter greeter = PromptFunctions.create(Greeter.class, args.llm());
    out.println(greeter.hello("你是谁"));
  }
}
