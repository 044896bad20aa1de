package io.byzerllm.examples;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.byzerllm.client.prompt.impl.Impl;
import io.byzerllm.client.prompt.impl.Implement;
import java.io.PrintStream;

/**
 * Guide: "如何自动实现一个方法" — the model writes the body of a method; it is compiled once and cached,
 * so the second call makes no request. This runs model-written code in this JVM: opt-in only.
 */
public final class ImplFunction {
  public record Time(@JsonPropertyDescription("时间，时间格式为 yyyy-MM-dd") String time) {}

  public interface Clock {
    @Implement("计算当前时间")
    Time calculateCurrentTime();
  }

  private ImplFunction() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Impl impl = Impl.enableGeneratedCode(args.llm());
    Clock clock = impl.create(Clock.class);

    long start = System.nanoTime();
    out.println(clock.calculateCurrentTime());
    out.printf("first time cost: %.6f s%n", (System.nanoTime() - start) / 1e9);

    start = System.nanoTime();
    clock.calculateCurrentTime();
    out.printf("second time cost: %.6f s%n", (System.nanoTime() - start) / 1e9);

    impl.clearImplCache(); // the next call would ask the model again
  }
}
