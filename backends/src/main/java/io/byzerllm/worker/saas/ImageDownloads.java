package io.byzerllm.worker.saas;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.worker.ImageResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns an {@link ImageAnswer} into the base64 images a caller gets, fetching the linked ones
 * (all at once, each a GET with the request timeout and retries of what provably did not run).
 */
final class ImageDownloads {
  private final UpstreamTransport transport;
  private final UpstreamErrors errors;

  ImageDownloads(UpstreamTransport transport, UpstreamErrors errors) {
    this.transport = transport;
    this.errors = errors;
  }

  CompletionStage<ImageResult> complete(ImageAnswer answer) {
    List<CompletableFuture<ImageResult.Image>> images = new ArrayList<>(answer.items().size());
    for (ImageAnswer.Item item : answer.items()) {
      images.add(item.url() == null
          ? CompletableFuture.completedFuture(new ImageResult.Image(item.b64Json(), item.revisedPrompt()))
          : fetch(item));
    }
    return CompletableFuture.allOf(images.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<ImageResult.Image> out = new ArrayList<>(images.size());
      images.forEach(f -> out.add(f.join()));
      return new ImageResult(answer.created(), out);
    });
  }

  private CompletableFuture<ImageResult.Image> fetch(ImageAnswer.Item item) {
    return transport.send(transport.get(item.url()))
        .thenApply(r -> {
          if (r.body() == null || r.body().length == 0) {
            throw new MalformedAnswer("an image link whose download is empty", item.url().toString());
          }
          return new ImageResult.Image(Base64.getEncoder().encodeToString(r.body()), item.revisedPrompt());
        })
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(downloadFailed(item, errors.fromFailure(e))));
  }

  /**
   * Said to be about the image link, not the generation call. A link the provider itself gave that
   * answers 4xx (expired, gone) is the provider's failure, not the caller's: 502. Overload and
   * timeouts keep their kind.
   */
  private LlmException downloadFailed(ImageAnswer.Item item, LlmException e) {
    String message = errors.redact("the image was generated but fetching it from " + item.url().getHost() + " failed: "
        + e.getMessage());
    if (e instanceof OverloadedException o) {
      return new OverloadedException(429, message, o.retryAfter(), e);
    }
    if (e.kind() == ErrorKind.UPSTREAM_TIMEOUT || e.kind() == ErrorKind.UNAVAILABLE) {
      return new LlmException(e.kind(), message, e);
    }
    return new LlmException(ErrorKind.UPSTREAM, message, e);
  }
}
