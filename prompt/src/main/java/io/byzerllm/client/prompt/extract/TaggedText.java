package io.byzerllm.client.prompt.extract;

/** The text between one pair of byzerllm tags {@code <_tag_>content</_tag_>}; {@code tag} is the name without underscores. */
public record TaggedText(String tag, String content) {
  public TaggedText {
    if (tag == null || tag.isBlank()) {
      throw new IllegalArgumentException("tag must not be blank");
    }
    content = content == null ? "" : content;
  }
}
