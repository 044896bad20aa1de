package io.byzerllm.client.prompt.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.prompt.Bool;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonExtractorTest {
  record Story(String title, String body) {}

  @Test
  void extract_proseAroundFencedBlock_readsTheBlock() {
    String answer = "好的，下面是故事：\n```json\n{\"title\": \"勇敢的小鸟\", \"body\": \"从前……\"}\n```\n希望你喜欢！";

    Story s = JsonExtractor.extract(answer, Story.class);

    assertThat(s).isEqualTo(new Story("勇敢的小鸟", "从前……"));
  }

  @Test
  void extract_twoJsonBlocks_prefersTheLastOne() {
    String answer = "格式示例：\n```json\n{\"title\": \"示例\", \"body\": \"...\"}\n```\n答案：\n```json\n"
        + "{\"title\": \"真的\", \"body\": \"正文\"}\n```";

    Story s = JsonExtractor.extract(answer, Story.class);

    assertThat(s.title()).isEqualTo("真的");
  }

  @Test
  void extract_trailingCommasSingleQuotesUnquotedKeys_repaired() {
    String answer = "{title: 'A', 'body': \"B\",}";

    Story s = JsonExtractor.extract(answer, Story.class);

    assertThat(s).isEqualTo(new Story("A", "B"));
  }

  @Test
  void extract_pythonLiteralsAndCutOffAnswer_repaired() {
    Bool b = JsonExtractor.extract("结果是 {\"value\": True", Bool.class);

    assertThat(b.value()).isTrue();
  }

  @Test
  void extract_bareScalarForOneComponentRecord_wrapped() {
    assertThat(JsonExtractor.extract("false", Bool.class)).isEqualTo(new Bool(false));
  }

  @Test
  void extract_listType_readsArrayAndWrapsSingleObject() {
    var listOfStories = JsonExtractor.LENIENT.getTypeFactory().constructCollectionType(List.class, Story.class);

    List<Story> many = JsonExtractor.extract("[{\"title\":\"a\",\"body\":\"1\"},{\"title\":\"b\",\"body\":\"2\"},]",
        listOfStories);
    List<Story> one = JsonExtractor.extract("```json\n{\"title\":\"c\",\"body\":\"3\"}\n```", listOfStories);

    assertThat(many).extracting(Story::title).containsExactly("a", "b");
    assertThat(one).containsExactly(new Story("c", "3"));
  }

  @Test
  void extract_noJsonAtAll_failsQuotingTheAnswer() {
    assertThatThrownBy(() -> JsonExtractor.extract("我不知道", Story.class))
        .isInstanceOf(JsonExtractionException.class)
        .hasMessageContaining("Story")
        .hasMessageContaining("我不知道");
  }

  @Test
  void repair_validJson_unchanged() {
    String json = "{\"a\": [1, 2, {\"b\": \"True\"}]}";

    assertThat(JsonRepair.repair(json)).isEqualTo(json);
  }
}
