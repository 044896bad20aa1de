package io.byzerllm.client.prompt.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * byzerllm's {@code TagExtractor}: finds the {@code <_tag_>…</_tag_>} pairs in a text, e.g. the
 * {@code <_image_>data:image/jpeg;base64,…</_image_>} spans a prompt carries. Tags do not nest; an
 * opening tag without its closing tag is left as text.
 *
 * <pre>{@code
 * ExtractedTags v = new TagExtractor(text).extract();
 * v.content().get(0).content();   // data:image/jpeg;base64,xxxxxx
 * }</pre>
 */
public final class TagExtractor {
  private static final Pattern TAG = Pattern.compile("<_([A-Za-z0-9]+)_>(.*?)</_\\1_>", Pattern.DOTALL);

  private final String text;

  public TagExtractor(String text) {
    this.text = text == null ? "" : text;
  }

  /** Every tagged span in order, and the remaining text (the spans cut out, surrounding whitespace trimmed). */
  public ExtractedTags extract() {
    List<TaggedText> found = new ArrayList<>();
    StringBuilder rest = new StringBuilder();
    Matcher m = TAG.matcher(text);
    int last = 0;
    while (m.find()) {
      found.add(new TaggedText(m.group(1), m.group(2)));
      rest.append(text, last, m.start());
      last = m.end();
    }
    rest.append(text.substring(last));
    return new ExtractedTags(found, rest.toString().strip());
  }

  /** Whether {@code text} holds at least one tag pair. */
  public static boolean hasTags(String text) {
    return text != null && TAG.matcher(text).find();
  }
}
