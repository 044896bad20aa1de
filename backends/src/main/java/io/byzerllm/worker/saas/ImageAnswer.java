package io.byzerllm.worker.saas;

import io.byzerllm.worker.ImageResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The images of a provider's answer before the caller sees them: each one inline (base64) or a link
 * the core fetches (SiliconFlow answers signed URLs), so a caller always gets base64.
 */
record ImageAnswer(long created, List<Item> items) {
  ImageAnswer {
    items = List.copyOf(items);
  }

  /** One image: exactly one of {@code b64Json} and {@code url}. */
  record Item(String b64Json, URI url, String revisedPrompt) {
    Item {
      if ((b64Json == null) == (url == null)) {
        throw new IllegalArgumentException("an image is either base64 or a URL");
      }
    }
  }

  static ImageAnswer of(ImageResult inline) {
    List<Item> items = new ArrayList<>(inline.images().size());
    inline.images().forEach(i -> items.add(new Item(i.b64Json(), null, i.revisedPrompt())));
    return new ImageAnswer(inline.created(), items);
  }
}
