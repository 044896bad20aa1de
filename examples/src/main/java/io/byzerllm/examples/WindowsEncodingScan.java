package io.byzerllm.examples;

import io.byzerllm.client.prompt.Bool;
import io.byzerllm.client.prompt.Prompt;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Guide: "案例集锦" — check every {@code .py} file under {@code --dir} for file reads that break on
 * Windows encodings, one prompt function call per file, the answer read as a {@link Bool}.
 */
public final class WindowsEncodingScan {
  static final Prompt<String> DETECT = Prompt.of("""
      分析以下Python代码是否存在读取文件时不兼容Windows的编码问题（要兼容uft8/gbk）：

      {{ code }}

      如果存在以上问题，返回如下json格式：

      ```json
      {
          "value": 是否存在问题，true 或者 false
      }
      ```
      """);

  private WindowsEncodingScan() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    List<String> issues = checkDirectory(args, Path.of(args.option("dir", ".")), out);
    if (issues.isEmpty()) {
      out.println("未发现Windows编码问题");
    } else {
      out.println("发现以下文件可能存在Windows编码问题：");
      issues.forEach(issue -> out.println("- " + issue));
    }
  }

  static List<String> checkDirectory(ExampleArgs args, Path directory, PrintStream out) {
    Prompt<Bool> detect = DETECT.withLlm(args.llm()).withReturnType(Bool.class);
    List<String> issues = new ArrayList<>();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
        out.println("processing file: " + file);
        try {
          if (detect.run("code", readFile(file)).value()) {
            out.println("found issue in file: " + file);
            issues.add(file.toString());
          }
        } catch (RuntimeException e) {
          out.println("Error reading " + file + ": " + e.getMessage()); // one bad file does not stop the scan
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + directory, e);
    }
    return issues;
  }

  /** UTF-8 first, then GBK, as auto-coder's read_file does. */
  static String readFile(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      try {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        return new String(bytes, Charset.forName("GBK"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
