package io.byzerllm.worker.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.EmbeddingCall;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI embeddings request: {@code model}, {@code input} (a string or a list of strings),
 * {@code encoding_format} float|base64, {@code dimensions}, and our {@code input_type} query|document.
 * Every bad field is an {@link InvalidFieldException} that names it.
 */
public record EmbeddingRequest(String model, EmbeddingCall call, boolean base64) {

  public static EmbeddingRequest parse(ObjectNode body) {
    String model = Fields.requiredString(body, "model");
    String format = Fields.optionalString(body, "encoding_format");
    boolean base64 = "base64".equals(format);
    if (format != null && !base64 && !"float".equals(format)) {
      throw new InvalidFieldException("encoding_format", "'encoding_format' must be float or base64 (got '" + format + "')");
    }
    String inputType = Fields.optionalString(body, "input_type");
    if (inputType != null && !inputType.equals("query") && !inputType.equals("document")) {
      throw new InvalidFieldException("input_type", "'input_type' must be query or document (got '" + inputType + "')");
    }
    EmbeddingCall call = new EmbeddingCall(inputs(body.get("input")), "query".equals(inputType), null,
        Fields.optionalPositiveInt(body, "dimensions"));
    return new EmbeddingRequest(model, call, base64);
  }

  static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw new InvalidFieldException("input", "'input' is required: a string or a list of strings");
    }
    List<String> out = new ArrayList<>();
    if (input.isTextual()) {
      out.add(input.asText());
    } else if (input.isArray()) {
      for (JsonNode n : input) {
        if (!n.isTextual()) {
          throw new InvalidFieldException("input", "'input' must be a string or a list of strings (token arrays are not supported)");
        }
        out.add(n.asText());
      }
    } else {
      throw new InvalidFieldException("input", "'input' must be a string or a list of strings");
    }
    if (out.isEmpty()) {
      throw new InvalidFieldException("input", "'input' is an empty list; send at least one text");
    }
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).isEmpty()) {
        throw new InvalidFieldException("input", "'input' holds an empty string at index " + i + "; every text must be non-empty");
      }
    }
    return out;
  }
}
