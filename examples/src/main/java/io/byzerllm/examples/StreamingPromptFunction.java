package io.byzerllm.examples;

import io.byzerllm.client.Message;
import io.byzerllm.client.ChatStream;
import io.byzerllm.client.StreamChunk;
import io.byzerllm.client.prompt.MetaHolder;
import io.byzerllm.client.prompt.PromptFunctions;
import io.byzerllm.client.prompt.annotation.Prompt;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Stream;

/** Guide: "Prompt 函数的流式输出" — a prompt function returning {@code Stream<String>}, with a MetaHolder. */
public final class StreamingPromptFunction {
  public interface Stories {
    @Prompt("给我讲一个一百多字的故事")
    Stream<String> tellStory(MetaHolder meta);
  }

  private StreamingPromptFunction() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    // without a prompt function
    try (ChatStream v = args.llm().streamChatOai(List.of(Message.user("讲一个100字的故事")), true)) {
      for (StreamChunk s : v) {
        out.print(s.text());
      }
    }
    out.println();

    MetaHolder metaHolder = new MetaHolder();
    try (Stream<String> v = PromptFunctions.create(Stories.class, args.llm()).tellStory(metaHolder)) {
      v.forEach(out::print);
    }
    out.println();
    out.println(metaHolder.getMeta());
    out.println(metaHolder.getMetaModel());
  }
}
