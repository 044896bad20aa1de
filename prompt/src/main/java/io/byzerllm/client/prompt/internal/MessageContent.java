package io.byzerllm.client.prompt.internal;

import io.byzerllm.client.ContentPart;
import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.extract.ExtractedTags;
import io.byzerllm.client.prompt.extract.TagExtractor;
import io.byzerllm.client.prompt.extract.TaggedText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The user message a rendered prompt becomes, byzerllm's non-text tag handling: plain text stays text;
 * {@code <_image_>…</_image_>} spans become OpenAI {@code image_url} parts (the images first, then the
 * remaining text); an {@code <_audio_>…</_audio_>} span becomes byzerllm's {@code {"audio": dataURL}}
 * content, which the node turns into a transcription. A tag holding a file path instead of a
 * {@code data:} URL is read from disk.
 */
public final class MessageContent {
  private MessageContent() {}

  /** A {@link Message} or, for audio, an OpenAI-shaped map; either is accepted by {@code chatOai}. */
  public static Object userMessage(String rendered) {
    if (!TagExtractor.hasTags(rendered)) {
      return Message.user(rendered);
    }
    ExtractedTags tags = new TagExtractor(rendered).extract();
    List<String> audio = tags.contentsOf("audio");
    if (!audio.isEmpty()) {
      String json = io.byzerllm.client.prompt.extract.JsonExtractor.LENIENT.valueToTree(
          Map.of("audio", dataUrl(audio.get(0).strip(), "audio/wav"))).toString();
      return Map.of("role", "user", "content", json);
    }
    List<ContentPart> parts = new ArrayList<>();
    for (TaggedText t : tags.content()) {
      if (t.tag().equals("image")) {
        parts.add(ContentPart.imageUrl(dataUrl(t.content().strip(), "image/jpeg")));
      }
    }
    if (parts.isEmpty()) {
      return Message.user(rendered);
    }
    if (!tags.rest().isEmpty()) {
      parts.add(ContentPart.text(tags.rest()));
    }
    return Message.user(parts);
  }

  private static String dataUrl(String value, String defaultType) {
    if (value.startsWith("data:") || value.startsWith("http://") || value.startsWith("https://")) {
      return value;
    }
    Path file = Path.of(value);
    if (Files.isRegularFile(file)) {
      try {
        return "data:" + defaultType + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
      }
    }
    // raw base64, as byzerllm accepts it
    return "data:" + defaultType + ";base64," + value;
  }
}
