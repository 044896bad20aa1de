package io.byzerllm.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestBodyTest {

  @Test
  void build_maxLengthInConfig_winsOverTheClientsMaxOutputLength() {
    Map<String, Object> body = ChatRequestBody.build("m", List.of(Message.user("x")), Map.of("max_length", 10), 99, false);

    assertThat(body).containsEntry("max_tokens", 10).doesNotContainKey("max_length");
  }

  @Test
  void build_stream_asksForUsageAndConfigCannotTurnStreamingOff() {
    Map<String, Object> body = ChatRequestBody.build("m", List.of(Message.user("x")), Map.of("stream", false), null, true);

    assertThat(body).containsEntry("stream", true).containsEntry("stream_options", Map.of("include_usage", true));
  }

  @Test
  void build_visionMessage_sendsOpenAiContentParts() {
    Message m = Message.user(List.of(ContentPart.image(new byte[] {1, 2, 3}, "image/png"), ContentPart.text("what?")));

    Map<String, Object> body = ChatRequestBody.build("m", List.of(m), Map.of(), null, false);

    assertThat(body.get("messages")).isEqualTo(List.of(Map.of("role", "user", "content", List.of(
        Map.of("type", "image_url", "image_url", Map.of("url", "data:image/png;base64,AQID")),
        Map.of("type", "text", "text", "what?")))));
  }

  @Test
  void messages_itemWithoutRole_failsNamingTheKeysItHas() {
    assertThatThrownBy(() -> ChatRequestBody.messages(List.of(Map.of("content", "x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"role\"").hasMessageContaining("content");
  }

  @Test
  void message_unknownRole_rejected() {
    assertThatThrownBy(() -> new Message("robot", "x", null)).hasMessageContaining("'robot'");
  }
}
