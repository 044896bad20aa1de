package io.byzerllm.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Guide: "文生图" — byzerllm's JSON content {@code {"input", "size", "quality"}} through {@code chatOai}
 * answers a base64 image. Model default openai_image_gen; {@code --out output1.jpg}.
 */
public final class ImageGeneration {
  private ImageGeneration() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "openai_image_gen"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    String request = Json.write(Map.of("input", "a white siamese cat", "size", "1024x1024", "quality", "standard"));
    String base64 = args.llm().chatOai(List.of(Map.of("role", "user", "content", request))).get(0).output();
    byte[] image = Base64.getDecoder().decode(base64);
    Path file = Path.of(args.option("out", "output1.jpg"));
    try {
      Files.write(file, image);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    out.println("wrote " + image.length + " bytes to " + file);
  }
}
