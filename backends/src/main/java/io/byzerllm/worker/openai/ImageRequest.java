package io.byzerllm.worker.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import java.util.Map;

/**
 * An OpenAI {@code /v1/images/generations} request, and its answer: images as {@code b64_json}, or
 * with {@code response_format: url} as {@code data:} URLs (we keep no files to link to).
 */
public record ImageRequest(String model, ImageCall call, boolean asUrl) {

  public static ImageRequest parse(ObjectNode body) {
    String model = Fields.requiredString(body, "model");
    String format = Fields.optionalString(body, "response_format");
    if (format != null && !format.equals("b64_json") && !format.equals("url")) {
      throw new InvalidFieldException("response_format", "'response_format' must be b64_json or url (got '" + format + "')");
    }
    ImageCall call = new ImageCall(Fields.requiredString(body, "prompt"), Fields.optionalString(body, "size"),
        Fields.optionalString(body, "quality"), Fields.optionalPositiveInt(body, "n"),
        Fields.optionalString(body, "style"), null, Map.of());
    return new ImageRequest(model, call, "url".equals(format));
  }

  public ObjectNode answer(ImageResult r) {
    ObjectNode root = JsonTrees.MAPPER.createObjectNode();
    root.put("created", r.created());
    ArrayNode data = root.putArray("data");
    for (ImageResult.Image image : r.images()) {
      ObjectNode item = data.addObject();
      if (asUrl) {
        item.put("url", "data:image/png;base64," + image.b64Json());
      } else {
        item.put("b64_json", image.b64Json());
      }
      if (image.revisedPrompt() != null) {
        item.put("revised_prompt", image.revisedPrompt());
      }
    }
    return root;
  }
}
