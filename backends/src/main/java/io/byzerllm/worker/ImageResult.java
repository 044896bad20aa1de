package io.byzerllm.worker;

import java.util.List;

/** Generated images, each as base64 ({@code b64_json}) with the provider's revised prompt if any. */
public record ImageResult(long created, List<Image> images) {
  public ImageResult {
    images = List.copyOf(images);
  }

  public record Image(String b64Json, String revisedPrompt) {}
}
