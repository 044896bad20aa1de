package io.byzerllm.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A chat request in OpenAI's own shape, which an OpenAI-compatible provider can take as it is:
 * found by one streaming pass over the body, without building a tree. A request that uses one of
 * byzerllm's conventions ({@code max_length}, {@code gen.*}, a prefix message, media requests in
 * the content, byzerllm's image parts), or that is not valid, is not plain: it takes the
 * translating path, which also gives the precise 400.
 */
record PlainChat(String model, boolean stream, boolean includeUsage) {

  /** The plain chat in {@code body}, or null when the body needs translating (or is invalid). */
  static PlainChat scan(byte[] body) {
    if (Utf8.firstInvalid(body) >= 0) {
      return null; // forwarded bytes must be text the provider can read
    }
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String model = null;
      boolean stream = false;
      boolean includeUsage = false;
      boolean messages = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "model" -> {
            if (value != JsonToken.VALUE_STRING) {
              return null;
            }
            model = p.getText();
          }
          case "stream" -> {
            if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
              return null;
            }
            stream = value == JsonToken.VALUE_TRUE;
          }
          case "stream_options" -> {
            if (value == JsonToken.START_OBJECT) {
              includeUsage = includeUsage(p);
            } else if (value != JsonToken.VALUE_NULL) {
              return null;
            }
          }
          case "messages" -> {
            if (value != JsonToken.START_ARRAY || !plainMessages(p)) {
              return null;
            }
            messages = true;
          }
          case "max_length", "request_id" -> {
            return null;
          }
          default -> {
            if (field.startsWith("gen.") || field.startsWith("generation.")) {
              return null;
            }
            p.skipChildren();
          }
        }
      }
      return model != null && !model.isBlank() && messages && p.nextToken() == null
          ? new PlainChat(model, stream, includeUsage) : null;
    } catch (IOException e) {
      return null; // malformed: the translating path says what is wrong
    }
  }

  private static boolean includeUsage(JsonParser p) throws IOException {
    boolean include = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("include_usage")) {
        include = value == JsonToken.VALUE_TRUE;
      } else {
        p.skipChildren();
      }
    }
    return include;
  }

  /** A non-empty list of {role, content} objects in OpenAI's shape; the parser ends on the list's end. */
  private static boolean plainMessages(JsonParser p) throws IOException {
    int count = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT || !plainMessage(p)) {
        return false;
      }
      count++;
    }
    return count > 0;
  }

  private static boolean plainMessage(JsonParser p) throws IOException {
    boolean role = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "role" -> {
          if (value != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            return false;
          }
          role = true;
        }
        case "content" -> {
          if (value == JsonToken.VALUE_STRING) {
            if (looksLikeJson(p.getText())) {
              return false; // byzerllm's media requests and image lists travel as JSON text
            }
          } else if (value == JsonToken.START_ARRAY) {
            if (!typedParts(p)) {
              return false;
            }
          } else if (value != JsonToken.VALUE_NULL) {
            return false;
          }
        }
        case "prefix" -> {
          return false;
        }
        default -> p.skipChildren();
      }
    }
    return role;
  }

  /** OpenAI's content parts all carry a {@code type}; byzerllm's {image, text} items do not. */
  private static boolean typedParts(JsonParser p) throws IOException {
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) {
        return false;
      }
      boolean typed = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("type") && value == JsonToken.VALUE_STRING) {
          typed = true;
        } else {
          p.skipChildren();
        }
      }
      if (!typed) {
        return false;
      }
    }
    return true;
  }

  private static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[';
      }
    }
    return false;
  }
}
