package io.byzerllm.worker.saas;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.worker.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OpenAiFramesTest {
  private final OpenAiFrames frames = new OpenAiFrames("chatcmpl-ours", "my_model");

  @Test
  void read_chunk_onlyTopLevelIdAndModelReplaced_everyOtherByteAsItCame() {
    String rest = "\"object\":\"chat.completion.chunk\",\"created\":1,\"system_fingerprint\":\"fp_x\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hm\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
        + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"q\\\": 1}\"}}]},"
        + "\"logprobs\":{\"content\":[{\"token\":\"hm\",\"logprob\":-0.25}]},\"finish_reason\":null}],\"x_provider\":{\"k\":[1,2]}";
    int cut = rest.indexOf("\"system_fingerprint\"");
    String frame = "data: {\"id\":\"up-1\"," + rest.substring(0, cut) + "\"model\":  \"deepseek-chat\"," + rest.substring(cut) + "}\n";

    OpenAiFrames.Frame.Chunk c = (OpenAiFrames.Frame.Chunk) frames.read(utf8(frame));

    assertThat(text(c.bytes())).isEqualTo("data: {\"id\":\"chatcmpl-ours\"," + rest.substring(0, cut)
        + "\"model\":  \"my_model\"," + rest.substring(cut) + "}\n\n");
    assertThat(c.choices()).isTrue();
    assertThat(c.upstreamModel()).isEqualTo("deepseek-chat");
    assertThat(c.usage()).isNull();
    assertThat(c.finishReason()).isNull();
  }

  @Test
  void read_modelBeforeIdAndEscapedStrings_bothReplaced() {
    String frame = "data: {\"model\":\"m\\\"odel\",\"id\":\"a\\\\\\\"b\",\"choices\":[]}";

    OpenAiFrames.Frame.Chunk c = (OpenAiFrames.Frame.Chunk) frames.read(utf8(frame));

    assertThat(text(c.bytes())).isEqualTo("data: {\"model\":\"my_model\",\"id\":\"chatcmpl-ours\",\"choices\":[]}\n\n");
    assertThat(c.choices()).isFalse();
  }

  @Test
  void read_usageChunk_usageAndFinishReasonReadWithoutATree() {
    String frame = "data: {\"id\":\"u\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":11,\"total_tokens\":18,\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n";

    OpenAiFrames.Frame.Chunk c = (OpenAiFrames.Frame.Chunk) frames.read(utf8(frame));

    assertThat(c.usage()).isEqualTo(new Usage(7, 11));
    assertThat(c.finishReason()).isEqualTo("stop");
  }

  @Test
  void read_multiLineData_joinedForReadingAndWrittenBackOnAsManyLines() {
    String frame = "data: {\"id\":\"up\",\r\ndata: \"model\":\"m\",\"choices\":[]}\r\n";

    OpenAiFrames.Frame.Chunk c = (OpenAiFrames.Frame.Chunk) frames.read(utf8(frame));

    assertThat(text(c.bytes())).isEqualTo("data: {\"id\":\"chatcmpl-ours\",\ndata: \"model\":\"my_model\",\"choices\":[]}\n\n");
  }

  @Test
  void read_crlfAndEventAndIdFields_fieldsKeptDataRewritten() {
    String frame = "event: message\r\nid: 42\r\n: a comment\r\ndata:{\"id\":\"up\",\"choices\":[]}\r\n";

    OpenAiFrames.Frame.Chunk c = (OpenAiFrames.Frame.Chunk) frames.read(utf8(frame));

    assertThat(text(c.bytes())).isEqualTo("event: message\r\nid: 42\r\ndata: {\"id\":\"chatcmpl-ours\",\"choices\":[]}\n\n");
  }

  @Test
  void read_commentOrKeepAlive_passedAsItCameAsNoData() {
    OpenAiFrames.Frame f = frames.read(utf8(": OPENROUTER PROCESSING\r\n"));

    assertThat(f).isInstanceOf(OpenAiFrames.Frame.Passed.class);
    assertThat(((OpenAiFrames.Frame.Passed) f).data()).isFalse();
    assertThat(text(((OpenAiFrames.Frame.Passed) f).bytes())).isEqualTo(": OPENROUTER PROCESSING\r\n\n");
  }

  @Test
  void read_dataThatIsNotJson_passedAsItCame() {
    for (String data : new String[] {"data: hello there", "data: [1,2]", "data: {\"truncated\":"}) {
      OpenAiFrames.Frame f = frames.read(utf8(data + "\n"));

      assertThat(f).as(data).isInstanceOf(OpenAiFrames.Frame.Passed.class);
      assertThat(text(((OpenAiFrames.Frame.Passed) f).bytes())).isEqualTo(data + "\n\n");
      assertThat(((OpenAiFrames.Frame.Passed) f).data()).isTrue();
    }
  }

  @Test
  void read_done_isTheEnd() {
    assertThat(frames.read(utf8("data: [DONE]\n"))).isInstanceOf(OpenAiFrames.Frame.Done.class);
    assertThat(frames.read(utf8("data:[DONE]  "))).isInstanceOf(OpenAiFrames.Frame.Done.class);
  }

  @Test
  void read_errorObjectOrErrorEvent_failsWithTheProvidersMessage() {
    OpenAiFrames.Frame inData = frames.read(utf8("data: {\"error\":{\"message\":\"quota gone\",\"type\":\"x\"}}\n"));
    OpenAiFrames.Frame asEvent = frames.read(utf8("event: error\ndata: {\"message\":\"overloaded\"}\n"));

    assertThat(inData).isEqualTo(new OpenAiFrames.Frame.Failed("quota gone"));
    assertThat(asEvent).isEqualTo(new OpenAiFrames.Frame.Failed("overloaded"));
  }

  @Test
  void read_errorNull_isAChunk() {
    OpenAiFrames.Frame f = frames.read(utf8("data: {\"id\":\"x\",\"error\":null,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n"));

    assertThat(f).isInstanceOf(OpenAiFrames.Frame.Chunk.class);
  }

  @Test
  void read_hugeChunk_rewrittenWhole() {
    String content = "字".repeat(300_000);
    String frame = "data: {\"id\":\"up\",\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"" + content + "\"}}]}\n";

    OpenAiFrames.Frame.Chunk c = (OpenAiFrames.Frame.Chunk) frames.read(utf8(frame));

    assertThat(text(c.bytes())).isEqualTo("data: {\"id\":\"chatcmpl-ours\",\"model\":\"my_model\",\"choices\":[{\"delta\":{\"content\":\""
        + content + "\"}}]}\n\n");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
