package io.byzerllm.worker.cache;

import io.byzerllm.deploy.Capability;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.SpeechCall;
import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.StreamHandle;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.TranscriptionResult;
import io.byzerllm.worker.Usage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A backend whose embeddings go through an {@link EmbeddingCache}: of a call's texts, only those
 * not cached (each distinct one once) go to the backend, and the answer holds every text's vector in
 * the call's order. A call whose texts are all cached completes at once, with no tokens used.
 * Everything else passes to the backend unchanged.
 */
public final class CachedEmbeddings implements ModelBackend {
  private final ModelBackend backend;
  private final EmbeddingCache cache;
  /** The upstream model of the last computed answer, for answers made of cached vectors only. */
  private volatile String upstreamModel;

  public CachedEmbeddings(ModelBackend backend, EmbeddingCache cache) {
    this.backend = backend;
    this.cache = cache;
  }

  @Override
  public CompletionStage<EmbeddingResult> embed(EmbeddingCall call) {
    List<String> inputs = call.inputs();
    float[][] vectors = new float[inputs.size()][];
    // Distinct missing texts, in first-seen order, with every position each fills.
    Map<EmbeddingCache.Key, List<Integer>> missing = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      EmbeddingCache.Key key = new EmbeddingCache.Key(inputs.get(i), call.query(), call.dimensions(), call.model());
      float[] cached = cache.get(key);
      if (cached != null) {
        vectors[i] = cached;
      } else {
        missing.computeIfAbsent(key, k -> new ArrayList<>(1)).add(i);
      }
    }
    int missed = 0;
    for (List<Integer> at : missing.values()) {
      missed += at.size();
    }
    cache.counted(inputs.size() - missed, missed);
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(new EmbeddingResult(Arrays.asList(vectors), Usage.NONE, 0, upstreamModel));
    }
    List<String> texts = new ArrayList<>(missing.size());
    missing.keySet().forEach(k -> texts.add(k.text()));
    CompletableFuture<EmbeddingResult> computed = backend.embed(
        new EmbeddingCall(texts, call.query(), call.model(), call.dimensions())).toCompletableFuture();
    CompletableFuture<EmbeddingResult> answer = computed.thenApply(r -> {
      int j = 0;
      for (Map.Entry<EmbeddingCache.Key, List<Integer>> e : missing.entrySet()) {
        float[] v = r.vectors().get(j++);
        cache.put(e.getKey(), v);
        for (int i : e.getValue()) {
          vectors[i] = v;
        }
      }
      upstreamModel = r.upstreamModel();
      return new EmbeddingResult(Arrays.asList(vectors), r.usage(), r.truncatedInputs(), r.upstreamModel());
    });
    answer.whenComplete((v, e) -> {
      if (answer.isCancelled()) {
        computed.cancel(true); // the caller went away: the backend stops too
      }
    });
    return answer;
  }

  @Override
  public Set<Capability> capabilities() {
    return backend.capabilities();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> d = new HashMap<>(backend.describe());
    d.put("embedding_cache", Map.of("capacity", cache.capacity(), "entries", cache.size(),
        "hit_ratio", cache.hitRatio()));
    return d;
  }

  @Override
  public CompletionStage<ChatResult> chat(ChatCall call) {
    return backend.chat(call);
  }

  @Override
  public StreamHandle stream(ChatCall call, Consumer<ChatDelta> onDelta) {
    return backend.stream(call, onDelta);
  }

  @Override
  public CompletionStage<ForwardedAnswer> forwardChat(ForwardedChat call) {
    return backend.forwardChat(call);
  }

  @Override
  public StreamHandle forwardStream(ForwardedChat call, Consumer<byte[]> onFrame) {
    return backend.forwardStream(call, onFrame);
  }

  @Override
  public boolean forwardsChat() {
    return backend.forwardsChat();
  }

  @Override
  public CompletionStage<SpeechResult> speech(SpeechCall call) {
    return backend.speech(call);
  }

  @Override
  public CompletionStage<TranscriptionResult> transcribe(TranscriptionCall call) {
    return backend.transcribe(call);
  }

  @Override
  public CompletionStage<ImageResult> generateImage(ImageCall call) {
    return backend.generateImage(call);
  }

  @Override
  public void close() {
    backend.close();
  }

  @Override
  public CompletionStage<Void> released() {
    return backend.released();
  }
}
