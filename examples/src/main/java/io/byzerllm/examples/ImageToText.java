package io.byzerllm.examples;

import io.byzerllm.client.prompt.Image;
import io.byzerllm.client.prompt.ImagePath;
import io.byzerllm.client.prompt.PromptFunctions;
import io.byzerllm.client.prompt.annotation.Prompt;
import io.byzerllm.client.prompt.annotation.Vars;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Guide: "图生文" — an image in a prompt function (an {@code ImagePath} parameter, or
 * {@code Image.loadImageFromPath} in computed variables), and the same through {@code chatOai} with
 * byzerllm's JSON content or OpenAI {@code image_url} parts. {@code --image PATH}, model default gpt4o_mini_chat.
 */
public final class ImageToText {
  public interface Vision {
    @Prompt("""
        {{ image_path }}
        这个图片里有什么？
        """)
    String whatInImage(ImagePath image_path);

    @Prompt("""
        {{ image }}
        这个图片里有什么？
        """)
    String whatInImageAt(String imagePath);

    @Vars("whatInImageAt")
    static Map<String, Object> loadImage(String imagePath) {
      return Map.of("image", Image.loadImageFromPath(imagePath));
    }
  }

  private ImageToText() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "gpt4o_mini_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    String path = args.option("image", "images/cat1.png");
    Vision vision = PromptFunctions.create(Vision.class, args.llm());
    out.println(vision.whatInImage(ImagePath.of(path)));
    out.println(vision.whatInImageAt(path));

    // the lower-level way: byzerllm's JSON content, then OpenAI image_url parts
    Image image = Image.loadImageFromPath(path);
    // one item per part: the node reads {"image"} and {"text"} items (see docs/http-api.md)
    String asJson = Json.write(List.of(Map.of("image", image.dataUrl()), Map.of("text", "这个图片里有什么？")));
    out.println(args.llm().chatOai(List.of(Map.of("role", "user", "content", asJson))).get(0).output());
    List<Map<String, Object>> parts = List.of(
        Map.of("type", "image_url", "image_url", Map.of("url", image.dataUrl(), "detail", "high")),
        Map.of("type", "text", "text", "这个图片里有什么？"));
    out.println(args.llm().chatOai(List.of(Map.of("role", "user", "content", parts))).get(0).output());
  }
}
