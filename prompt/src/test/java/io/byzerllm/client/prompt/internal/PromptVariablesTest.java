package io.byzerllm.client.prompt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzerllm.client.ContentPart;
import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.MetaHolder;
import io.byzerllm.client.prompt.PromptException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptVariablesTest {
  record StoryArgs(int n, String topic) {}

  @Test
  void of_namePairs_mapInOrder() {
    assertThat(PromptVariables.of(List.of(), "n", 100, "topic", "space"))
        .containsExactly(Map.entry("n", 100), Map.entry("topic", "space"));
  }

  @Test
  void of_record_componentsBecomeVariables() {
    assertThat(PromptVariables.of(List.of(), new StoryArgs(100, "space")))
        .containsExactly(Map.entry("n", 100), Map.entry("topic", "space"));
  }

  @Test
  void of_positionalWithParameterNames_metaHolderSkipped() {
    assertThat(PromptVariables.of(List.of("q", "meta"), "你是谁", new MetaHolder())).containsExactly(Map.entry("q", "你是谁"));
  }

  @Test
  void of_oddPairs_rejectedSayingWhatIsAccepted() {
    assertThatThrownBy(() -> PromptVariables.of(List.of(), "n", 1, "topic")).isInstanceOf(PromptException.class)
        .hasMessageContaining("name/value pairs");
  }

  @Test
  void templateValues_recordsBecomeMapsScalarsStay() {
    Map<String, Object> values = PromptVariables.templateValues(Map.of("s", new StoryArgs(1, "t"), "x", 3));

    assertThat(values.get("s")).isEqualTo(Map.of("n", 1, "topic", "t"));
    assertThat(values.get("x")).isEqualTo(3);
  }

  @Test
  void userMessage_plainText_textMessage() {
    assertThat(MessageContent.userMessage("你好")).isEqualTo(Message.user("你好"));
  }

  @Test
  void userMessage_twoImageTags_imagePartsThenRestText() {
    Object m = MessageContent.userMessage("<_image_>data:image/png;base64,AA</_image_>\n"
        + "<_image_>data:image/png;base64,BB</_image_>\n比较");

    assertThat(m).isEqualTo(Message.user(List.of(ContentPart.imageUrl("data:image/png;base64,AA"),
        ContentPart.imageUrl("data:image/png;base64,BB"), ContentPart.text("比较"))));
  }

  @Test
  void userMessage_audioTag_byzerllmAudioJsonContent() {
    Object m = MessageContent.userMessage("<_audio_>data:audio/wav;base64,UklG</_audio_>");

    assertThat(m).isEqualTo(Map.of("role", "user", "content", "{\"audio\":\"data:audio/wav;base64,UklG\"}"));
  }
}
