package io.byzerllm.worker.saas;

import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.Usage;
import io.byzerllm.worker.openai.ChatResponses;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A stream of an OpenAI-compatible provider passed on as bytes: each event goes to the caller as the
 * provider's frame with our {@code id} and model name ({@link OpenAiFrames}), nothing translated.
 * The node reads only usage, finish reason and errors from it. The usage chunk is passed on only when
 * the caller asked for it: the request asks for it in any case, to count tokens. Comments and
 * keep-alives before the first chunk are dropped, so that a refusal before it still has its status.
 * {@code done}'s result has no text (it went by as bytes): usage, finish reason and upstream model.
 */
final class ForwardedReading implements StreamReading {
  private final String requestId;
  private final String model;
  private final boolean includeUsage;
  private final Consumer<byte[]> onFrame;
  private final OpenAiFrames frames;
  private boolean started;
  private Usage usage;
  private String finishReason;
  private String upstreamModel;

  ForwardedReading(String requestId, String model, boolean includeUsage, Consumer<byte[]> onFrame) {
    this.requestId = requestId;
    this.model = model;
    this.includeUsage = includeUsage;
    this.onFrame = onFrame;
    this.frames = new OpenAiFrames(requestId, model);
  }

  @Override
  public Step event(byte[] frame) {
    OpenAiFrames.Frame f = frames.read(frame);
    if (f instanceof OpenAiFrames.Frame.Chunk c) {
      return chunk(c);
    }
    if (f instanceof OpenAiFrames.Frame.Done) {
      return ChunkReader.Chunk.DONE;
    }
    if (f instanceof OpenAiFrames.Frame.Failed failed) {
      return new ChunkReader.Chunk.Failed(failed.message());
    }
    OpenAiFrames.Frame.Passed passed = (OpenAiFrames.Frame.Passed) f;
    if (!started && !passed.data()) {
      return ChunkReader.Chunk.NOTHING; // a keep-alive before the first event: the answer has not begun
    }
    return hand(passed.bytes(), passed.data());
  }

  private Step chunk(OpenAiFrames.Frame.Chunk c) {
    Usage u = c.usage();
    String reason = c.finishReason();
    String upstream = c.upstreamModel();
    boolean pass = includeUsage || c.choices() || u == null; // the usage chunk we asked for ourselves stays here
    return new Step.Deliver(() -> {
      if (u != null) {
        usage = u;
      }
      if (reason != null) {
        finishReason = reason;
      }
      if (upstreamModel == null) {
        upstreamModel = upstream;
      }
      if (pass) {
        started = true;
        onFrame.accept(c.bytes());
      }
    }, pass);
  }

  private Step.Deliver hand(byte[] bytes, boolean token) {
    return new Step.Deliver(() -> {
      started = true;
      onFrame.accept(bytes);
    }, token);
  }

  /** A completion the provider answered whole: one chunk with all of it, and the usage chunk if asked for. */
  @Override
  public Step.Deliver whole(byte[] body) {
    ChatResult r = OpenAiResponses.chat(requestId, body);
    long created = Instant.now().getEpochSecond();
    ChatDelta delta = new ChatDelta(r.content().isEmpty() ? null : r.content(), r.reasoningContent(),
        r.finishReason() == null ? "stop" : r.finishReason(), null, r.toolCalls());
    StringBuilder sse = new StringBuilder("data: ").append(ChatResponses.chunk(requestId, model, created, delta, true)).append("\n\n");
    if (includeUsage) {
      sse.append("data: ").append(ChatResponses.usageChunk(requestId, model, created, r.usage())).append("\n\n");
    }
    byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
    return new Step.Deliver(() -> {
      usage = r.usage();
      finishReason = delta.finishReason();
      upstreamModel = r.upstreamModel();
      started = true;
      onFrame.accept(bytes);
    }, true);
  }

  @Override
  public boolean finished() {
    return finishReason != null;
  }

  @Override
  public ChatResult result(String requestId, double firstTokenMillis) {
    return new ChatResult(requestId, "", null, finishReason, usage == null ? Usage.NONE : usage, upstreamModel, null,
        firstTokenMillis);
  }
}
