package io.byzerllm.client.prompt.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeAndTagExtractionTest {
  @Test
  void extractCode_shellBlock_languageAndCode() {
    String text = "Run this:\n```shell\nls -l\n```\nthen\n```python\nprint(1)\n```";

    List<CodeBlock> blocks = CodeUtils.extractCode(text);

    assertThat(blocks).containsExactly(new CodeBlock("shell", "ls -l"), new CodeBlock("python", "print(1)"));
  }

  @Test
  void extractCode_noFence_wholeTextAsUnknown() {
    assertThat(CodeUtils.extractCode("just text")).containsExactly(new CodeBlock("unknown", "just text"));
  }

  @Test
  void extractCode_fenceWithoutLanguage_unknownLanguage() {
    assertThat(CodeUtils.extractCode("```\nx = 1\n```")).containsExactly(new CodeBlock("unknown", "x = 1"));
  }

  @Test
  void tagExtractor_twoImageTags_contentsInOrderAndRestText() {
    String text = "大家好\n<_image_>data:image/jpeg;base64,xxxxxx</_image_>\n      大家好\n"
        + "<_image_>data:image/jpeg;base64,xxxxxx2</_image_>\n";

    ExtractedTags v = new TagExtractor(text).extract();

    assertThat(v.content().get(0).content()).isEqualTo("data:image/jpeg;base64,xxxxxx");
    assertThat(v.content().get(1).content()).isEqualTo("data:image/jpeg;base64,xxxxxx2");
    assertThat(v.content()).extracting(TaggedText::tag).containsExactly("image", "image");
    assertThat(v.rest()).startsWith("大家好").endsWith("大家好");
  }

  @Test
  void tagExtractor_unclosedTag_leftAsText() {
    ExtractedTags v = new TagExtractor("a <_image_>b").extract();

    assertThat(v.content()).isEmpty();
    assertThat(v.rest()).isEqualTo("a <_image_>b");
  }
}
