package io.byzerllm.client.prompt;

import java.nio.file.Path;

/**
 * A prompt parameter that is an image file, byzerllm's {@code types.ImagePath}: {@code {{ image_path }}}
 * renders as {@code <_image_>data:…</_image_>} (the file read and base64-encoded), and the prompt
 * function sends it as an {@code image_url} part of the user message. Several images may appear in one prompt.
 */
public record ImagePath(String value) {
  public ImagePath {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("ImagePath needs a file path");
    }
  }

  public static ImagePath of(String path) {
    return new ImagePath(path);
  }

  /** Reads the file now: {@code <_image_>data:…</_image_>}. */
  public String tagged() {
    return "<_image_>" + Image.dataUrl(Path.of(value), "image") + "</_image_>";
  }
}
