package io.byzerllm.examples;

import io.byzerllm.client.prompt.extract.ExtractedTags;
import io.byzerllm.client.prompt.extract.TagExtractor;
import java.io.PrintStream;

/** Guide: "一些辅助工具" — {@code <_tag_></_tag_>} spans with {@code TagExtractor}. */
public final class TagExtraction {
  private TagExtraction() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    TagExtractor extractor = new TagExtractor("""
        大家好
        <_image_>data:image/jpeg;base64,xxxxxx</_image_>
                                 大家好
        <_image_>data:image/jpeg;base64,xxxxxx2</_image_>
        """);
    ExtractedTags v = extractor.extract();
    out.println(v.content().get(0).content());
    out.println(v.content().get(1).content());
  }
}
