package io.byzerllm.examples;

import io.byzerllm.client.prompt.Prompt;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Guide: "自定义字段抽取" — a custom extractor pulls the regex out of {@code <REGEX></REGEX>}. */
public final class RegexExtractor {
  private static final Pattern REGEX_TAG = Pattern.compile("<REGEX>(.*)</REGEX>", Pattern.DOTALL);

  private RegexExtractor() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Prompt<String> generateRegexPattern = Prompt.of("""
        根据下面的描述生成一个正则表达式，要符合 Java java.util.regex.Pattern 的要求。

        {{ desc }}

        最后生成的正则表达式要在<REGEX></REGEX>标签对里。
        """);
    String pattern = generateRegexPattern.withLlm(args.llm())
        .withExtractor(RegexExtractor::extractRegexPattern)
        .run("desc", "匹配一个邮箱地址");
    out.println(pattern);
  }

  /** Null when the answer holds no tag: the prompt function then fails, quoting the answer. */
  static String extractRegexPattern(String regexBlock) {
    Matcher m = REGEX_TAG.matcher(regexBlock);
    return m.find() ? m.group(1) : null;
  }
}
