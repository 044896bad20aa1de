package io.byzerllm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlainChatTest {
  private static PlainChat scan(String json) {
    return PlainChat.scan(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void scan_openAiShapedRequest_isPlainWithItsModelAndStreamFlags() {
    PlainChat chat = scan("""
        {"model": "ds", "temperature": 0.2, "tools": [{"type": "function", "function": {"name": "f"}}],
         "messages": [{"role": "system", "content": "be brief"},
                      {"role": "user", "content": [{"type": "text", "text": "hi"},
                                                   {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]},
                      {"role": "assistant", "content": null, "tool_calls": [{"id": "c1"}]},
                      {"role": "tool", "tool_call_id": "c1", "content": "42"}],
         "stream": true, "stream_options": {"include_usage": true}}""");

    assertThat(chat).isEqualTo(new PlainChat("ds", true, true));
  }

  @Test
  void scan_byzerllmConventions_needTranslating() {
    assertThat(scan("{\"model\":\"m\",\"max_length\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"gen.stop\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":\"go\",\"prefix\":true}]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\" {\\\"voice\\\":\\\"alloy\\\"}\"}]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"image\":\"a.png\",\"text\":\"hi\"}]}]}")).isNull();
  }

  @Test
  void scan_invalidRequests_takeTheTranslatingPathForTheirErrors() {
    assertThat(scan("not json")).isNull();
    assertThat(scan("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"messages\":[]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"messages\":[{\"content\":\"no role\"}]}")).isNull();
    assertThat(scan("{\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).isNull();
    assertThat(scan("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing")).isNull();
  }

  @Test
  void scan_noStreamField_isABlockingChat() {
    assertThat(scan("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .isEqualTo(new PlainChat("m", false, false));
  }
}
