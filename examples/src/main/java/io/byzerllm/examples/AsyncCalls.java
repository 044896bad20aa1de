package io.byzerllm.examples;

import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.Asyncfy;
import io.byzerllm.client.prompt.Prompt;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Guide: "一些辅助工具" (asyncfy / asyncfy_with_semaphore) — blocking calls run without blocking the
 * caller, at most {@code --permits} at once (default 2), each bounded by a timeout.
 */
public final class AsyncCalls {
  private AsyncCalls() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Prompt<String> hello = Prompt.of("你好, {{ q }}").withLlm(args.llm());
    int permits = Integer.parseInt(args.option("permits", "2"));
    try (Asyncfy async = Asyncfy.withSemaphore(permits, Duration.ofSeconds(120))) {
      List<CompletableFuture<String>> answers = List.of("你是谁", "今天星期几", "讲个笑话").stream()
          .map(q -> async.supply(() -> hello.run("q", q))).toList();
      answers.forEach(f -> out.println(f.join()));
    }
    // prompt functions and the client have async variants of their own
    out.println(hello.runAsync("q", "再见").join());
    out.println(args.llm().chatOaiAsync(List.of(Message.user("再见")), Map.of()).join().get(0).output());
  }
}
