package io.byzerllm.client;

import java.util.Base64;
import java.util.Map;

/** One part of a multimodal message: a text, or an image given by URL (an {@code https:} or a {@code data:} URL). */
public record ContentPart(String text, String imageUrl) {
  public ContentPart {
    if ((text == null) == (imageUrl == null)) {
      throw new IllegalArgumentException("a content part is either text or an image URL, exactly one of them");
    }
  }

  public static ContentPart text(String text) {
    return new ContentPart(text, null);
  }

  public static ContentPart imageUrl(String url) {
    return new ContentPart(null, url);
  }

  /** An image sent inline as a {@code data:} URL, e.g. {@code image(bytes, "image/png")}. */
  public static ContentPart image(byte[] bytes, String mediaType) {
    return imageUrl("data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes));
  }

  Map<String, Object> toMap() {
    return text != null ? Map.of("type", "text", "text", text)
        : Map.of("type", "image_url", "image_url", Map.of("url", imageUrl));
  }

  @Override
  public String toString() {
    // a data: URL can be megabytes; show its start only
    return text != null ? "ContentPart[text=" + text + "]"
        : "ContentPart[imageUrl=" + imageUrl.substring(0, Math.min(60, imageUrl.length())) + "...]";
  }
}
