package io.byzerllm.worker.actor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.TranscriptionResult;
import io.byzerllm.worker.CborSerializable;

/**
 * A worker's answer to one {@link Work}, matched by {@code id}: a value or a failure, the time the
 * backend took (the rest is the cluster's overhead) and the time the call queued on the worker first, and whether the work reached the backend at
 * all (work that did not may be retried on another worker). A reply with {@code progress} set is
 * not an answer but news: the call waits in the worker's queue ({@code queued}) or has left it for
 * the backend ({@code started}), so a router knows which calls it may still send elsewhere.
 */
public record WorkerReply(
    long id,
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ChatResult.class, name = "chat"),
        @JsonSubTypes.Type(value = StreamOpened.class, name = "stream"),
        @JsonSubTypes.Type(value = ForwardedAnswer.class, name = "forwarded"),
        @JsonSubTypes.Type(value = EmbeddingResult.class, name = "embedding"),
        @JsonSubTypes.Type(value = SpeechResult.class, name = "speech"),
        @JsonSubTypes.Type(value = TranscriptionResult.class, name = "transcription"),
        @JsonSubTypes.Type(value = ImageResult.class, name = "image")})
    Object value,
    Failure failure,
    long backendNanos,
    long queueNanos,
    boolean reachedBackend,
    @JsonProperty("progress") Progress progress) implements CborSerializable {

  public enum Progress { QUEUED, STARTED }

  public static WorkerReply ok(long id, Object value, long backendNanos) {
    return ok(id, value, backendNanos, 0);
  }

  public static WorkerReply ok(long id, Object value, long backendNanos, long queueNanos) {
    return new WorkerReply(id, value, null, backendNanos, queueNanos, true, null);
  }

  public static WorkerReply failed(long id, Failure failure, boolean reachedBackend) {
    return new WorkerReply(id, null, failure, 0, 0, reachedBackend, null);
  }

  public static WorkerReply progress(long id, Progress progress) {
    return new WorkerReply(id, null, null, 0, 0, false, progress);
  }

  /** Not a property: Jackson would otherwise write it as {@code "progress": false} over the enum. */
  @JsonIgnore
  public boolean isProgress() {
    return progress != null;
  }
}
