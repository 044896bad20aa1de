package io.byzerllm.examples;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.byzerllm.client.prompt.Prompt;
import io.byzerllm.client.prompt.PromptFunctions;
import java.io.PrintStream;

/** Guide: "对象输出" — answers as records, both ways the guide shows. */
public final class ObjectOutput {
  @JsonClassDescription("故事")
  public record Story(@JsonPropertyDescription("故事的标题") String title,
      @JsonPropertyDescription("故事主体") String body) {}

  /** Way 1: the return type is the record; its JSON Schema is appended to the prompt. */
  public interface Stories {
    @io.byzerllm.client.prompt.annotation.Prompt("讲一个100字的故事。")
    Story tellStory();
  }

  private ObjectOutput() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Story first = PromptFunctions.create(Stories.class, args.llm()).tellStory();
    out.println(first.title());

    // Way 2 (recommended by the guide): the template says which JSON, withReturnType reads it.
    Story second = Prompt.of("""
            讲一个100字的故事。

            返回符合以下格式的JSON:

            ```json
            {
                "title": "故事的标题",
                "body": "故事主体"
            }
            ```
            """)
        .withLlm(args.llm())
        .withReturnType(Story.class)
        .run();
    out.println(second.title());
  }
}
