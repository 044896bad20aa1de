package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.TranscriptionResult;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's wire format ({@code saas/openai}, {@code saas/official_openai}, {@code saas/reasoning_openai}):
 * any provider that speaks it (OpenAI, DeepSeek, Qwen compatible mode, Moonshot, SiliconFlow,
 * Volcengine Ark, a local Ollama or vLLM). Bearer auth; chat bodies may be forwarded as they are.
 */
final class OpenAiWire implements WireFormat {
  private final OpenAiSettings settings;
  private final OpenAiRequests requests;

  OpenAiWire(OpenAiSettings settings) {
    this.settings = settings;
    this.requests = new OpenAiRequests(settings);
  }

  @Override
  public String engine() {
    return "openai-compatible";
  }

  @Override
  public UpstreamSettings settings() {
    return settings.upstream();
  }

  @Override
  public void authorize(HttpRequest.Builder request, String apiKey) {
    WireFormat.bearer(request, apiKey);
  }

  @Override
  public WireRequest chat(ChatCall call, boolean stream) {
    return WireRequest.json("/chat/completions", requests.chat(call, stream), stream);
  }

  @Override
  public ChatResult readChat(String requestId, byte[] body) {
    return OpenAiResponses.chat(requestId, body);
  }

  @Override
  public ChunkReader chunkReader() {
    return OpenAiWire::readChunk;
  }

  /** One {@code chat.completion.chunk}, {@code [DONE]}, or an {@code {"error":{...}}} event. */
  private static ChunkReader.Chunk readChunk(String event, String data) {
    if (data.strip().equals("[DONE]")) {
      return ChunkReader.Chunk.DONE;
    }
    JsonNode chunk = SaasJson.eventObject(data);
    if ("error".equals(event) || (chunk.has("error") && !chunk.get("error").isNull())) {
      return new ChunkReader.Chunk.Failed(UpstreamErrors.messageOf(chunk)
          .orElse(UpstreamErrors.excerpt(chunk.toString())));
    }
    return new ChunkReader.Chunk.Delta(OpenAiResponses.chunk(chunk), OpenAiResponses.textOrNull(chunk.path("model")));
  }

  @Override
  public boolean forwardsChat() {
    return true;
  }

  @Override
  public WireRequest forwardChat(byte[] openAiBody, boolean stream) {
    return new WireRequest("/chat/completions", "application/json", stream ? "text/event-stream" : "application/json",
        OpenAiForwarding.request(openAiBody, settings.model(), settings.reasoning(), stream));
  }

  @Override
  public WireRequest embeddings(EmbeddingCall call) {
    return WireRequest.json("/embeddings", requests.embeddings(call), false);
  }

  @Override
  public EmbeddingResult readEmbeddings(byte[] body) {
    return OpenAiResponses.embeddings(body);
  }

  @Override
  public WireRequest speech(SpeechCall call) {
    return WireRequest.json("/audio/speech", requests.speech(call), "*/*");
  }

  @Override
  public SpeechResult readSpeech(WireAnswer answer, SpeechCall call) {
    String fallback = OpenAiRequests.responseFormat(call).equals("mp3") ? "audio/mpeg" : "application/octet-stream";
    return new SpeechResult(answer.body(), answer.contentType().isEmpty() ? fallback : answer.contentType());
  }

  @Override
  public WireRequest transcription(TranscriptionCall call) {
    String format = call.responseFormat() == null || call.responseFormat().isBlank() ? "verbose_json" : call.responseFormat();
    Multipart form = new Multipart()
        .file("file", call.fileName(), call.audio())
        .field("model", call.model() == null || call.model().isBlank() ? settings.sttModel() : call.model())
        .field("language", call.language())
        .field("prompt", call.prompt())
        .field("response_format", format);
    List<String> granularities = call.timestampGranularities().isEmpty() && format.equals("verbose_json")
        ? List.of("word", "segment") : call.timestampGranularities();
    granularities.forEach(g -> form.field("timestamp_granularities[]", g));
    if (call.temperature() != null) {
      form.field("temperature", call.temperature().toString());
    }
    return new WireRequest("/audio/transcriptions", form.contentType(), "application/json, text/plain", form.build());
  }

  @Override
  public TranscriptionResult readTranscription(WireAnswer answer) {
    return OpenAiResponses.transcription(answer.body(),
        answer.contentType().isEmpty() ? "application/json" : answer.contentType());
  }

  @Override
  public WireRequest image(ImageCall call) {
    return WireRequest.json("/images/generations", requests.image(call), false);
  }

  @Override
  public ImageResult readImages(byte[] body) {
    return OpenAiResponses.images(body);
  }

  @Override
  public void describe(Map<String, Object> out) {
    // nothing beyond the shared settings
  }
}
