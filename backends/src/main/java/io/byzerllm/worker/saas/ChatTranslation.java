package io.byzerllm.worker.saas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI-shaped parts of a chat call that every other wire translates to its provider's shape,
 * read once here: data-URL images, function tools, a tool call's arguments, and the OpenAI
 * {@code tool_calls} items a wire builds from its provider's calls.
 */
final class ChatTranslation {
  private ChatTranslation() {}

  /** A {@code data:<mediaType>;base64,<data>} URL taken apart. */
  record DataUrl(String mediaType, String base64) {}

  /** A function the model may call: OpenAI's {@code tools[].function}. */
  record Function(String name, String description, JsonNode parameters) {}

  /** The data URL of an {@code image_url} part, or null when the image is a plain URL. */
  static DataUrl dataUrl(String url, String where) {
    if (!url.startsWith("data:")) {
      return null;
    }
    int comma = url.indexOf(',');
    int semicolon = url.indexOf(";base64");
    if (comma < 0 || semicolon < 0 || semicolon > comma) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, where + " must be a base64 data URL such as "
          + "data:image/png;base64,... (got '" + url.substring(0, Math.min(url.length(), 40)) + "...')");
    }
    return new DataUrl(url.substring(5, semicolon), url.substring(comma + 1));
  }

  /** The URL of an OpenAI {@code image_url} part ({@code {"image_url": {"url": ...}}} or a plain string). */
  static String imageUrl(JsonNode part) {
    JsonNode image = part.path("image_url");
    return image.isTextual() ? image.asText() : image.path("url").asText("");
  }

  /** The functions of OpenAI's {@code tools} option (null or absent: none). */
  static List<Function> functions(JsonNode tools) {
    List<Function> out = new ArrayList<>();
    if (tools == null || !tools.isArray()) {
      return out;
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode fn = tools.get(i).path("function");
      if (!fn.path("name").isTextual()) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "tools[" + i + "].function.name is required");
      }
      JsonNode parameters = fn.path("parameters");
      out.add(new Function(fn.get("name").asText(), fn.path("description").asText(null),
          parameters.isObject() ? parameters : SaasJson.MAPPER.createObjectNode().put("type", "object")));
    }
    return out;
  }

  /** The name in OpenAI's {@code tool_choice} when it forces one function, else null. */
  static String forcedFunction(JsonNode toolChoice) {
    return toolChoice != null && toolChoice.isObject() ? toolChoice.path("function").path("name").asText(null) : null;
  }

  /** A tool call's {@code function.arguments} (a JSON string) as an object; {@code {}} when empty. */
  static JsonNode arguments(JsonNode toolCall) {
    String args = toolCall.path("function").path("arguments").asText("");
    if (args.isBlank()) {
      return SaasJson.MAPPER.createObjectNode();
    }
    try {
      return SaasJson.MAPPER.readTree(args);
    } catch (IOException e) {
      throw new LlmException(ErrorKind.INVALID_REQUEST, "the arguments of tool call " + toolCall.path("id").asText()
          + " are not valid JSON: " + args);
    }
  }

  /** The name of the function the call {@code toolCallId} named, looked up in earlier assistant messages' calls. */
  static String functionNameOf(String toolCallId, List<JsonNode> earlierCalls) {
    for (JsonNode call : earlierCalls) {
      if (toolCallId != null && toolCallId.equals(call.path("id").asText(null))) {
        return call.path("function").path("name").asText();
      }
    }
    return null;
  }

  /** One OpenAI {@code tool_calls} item or stream fragment; null {@code id}/{@code name} are left out. */
  static ObjectNode toolCall(Integer index, String id, String name, String arguments) {
    ObjectNode call = SaasJson.MAPPER.createObjectNode();
    if (index != null) {
      call.put("index", index);
    }
    if (id != null) {
      call.put("id", id).put("type", "function");
    }
    ObjectNode fn = call.putObject("function");
    if (name != null) {
      fn.put("name", name);
    }
    fn.put("arguments", arguments);
    return call;
  }

  static ArrayNode array(JsonNode... items) {
    ArrayNode out = SaasJson.MAPPER.createArrayNode();
    for (JsonNode i : items) {
      out.add(i);
    }
    return out;
  }

  /** A JSON value as compact text (for arguments). */
  static String text(JsonNode value) {
    try {
      return SaasJson.MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
  }

  static JsonNode parse(String data) {
    try {
      JsonNode node = SaasJson.MAPPER.readTree(data);
      if (node == null || !node.isObject()) {
        throw new MalformedAnswer("a body that is not a JSON object", data);
      }
      return node;
    } catch (IOException e) {
      throw new MalformedAnswer("a body that is not valid JSON", data);
    }
  }
}
