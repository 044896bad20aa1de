package io.byzerllm.examples;

import io.byzerllm.client.prompt.extract.CodeBlock;
import io.byzerllm.client.prompt.extract.CodeUtils;
import java.io.PrintStream;

/** Guide: "一些辅助工具" — code blocks out of a model's answer with {@code CodeUtils.extractCode}. */
public final class CodeExtraction {
  private CodeExtraction() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    String textWithMarkdown = """
        ```shell
        ls -l
        ```
        """;
    for (CodeBlock codeBlock : CodeUtils.extractCode(textWithMarkdown)) {
      if (codeBlock.language().equals("shell")) {
        out.println(codeBlock.code()); // ls -l
      }
    }
  }
}
