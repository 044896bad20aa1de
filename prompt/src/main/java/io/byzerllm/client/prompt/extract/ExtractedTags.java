package io.byzerllm.client.prompt.extract;

import java.util.List;

/**
 * What {@link TagExtractor#extract()} found: every tagged span in order ({@code content()}), as
 * byzerllm's {@code extract().content}, and the text with those spans removed ({@code rest()}).
 */
public record ExtractedTags(List<TaggedText> content, String rest) {
  public ExtractedTags {
    content = List.copyOf(content);
    rest = rest == null ? "" : rest;
  }

  /** The contents of the spans tagged {@code tag}, in order. */
  public List<String> contentsOf(String tag) {
    return content.stream().filter(t -> t.tag().equals(tag)).map(TaggedText::content).toList();
  }
}
