package io.byzerllm.client.prompt.internal;

import com.fasterxml.jackson.databind.JavaType;
import io.byzerllm.client.prompt.PromptException;
import io.byzerllm.client.prompt.extract.JsonExtractionException;
import io.byzerllm.client.prompt.extract.JsonExtractor;
import java.lang.reflect.Type;

/**
 * What a prompt function turns the model's text into: the text itself, or a value read from JSON
 * (optionally after asking for JSON that matches the type's schema, byzerllm's {@code response_class}).
 */
public final class OutputShape<T> {
  private static final OutputShape<String> TEXT = new OutputShape<>(null, null, false);

  private final JavaType type;
  private final Type declared; // victools resolves java.lang.reflect types, not Jackson's
  private final boolean askForSchema;

  private OutputShape(JavaType type, Type declared, boolean askForSchema) {
    this.type = type;
    this.declared = declared;
    this.askForSchema = askForSchema;
  }

  public static OutputShape<String> text() {
    return TEXT;
  }

  /** A value of {@code type}; with {@code askForSchema} the prompt asks for JSON matching the type's schema. */
  public static <T> OutputShape<T> json(Type type, boolean askForSchema) {
    return new OutputShape<>(JsonExtractor.LENIENT.constructType(type), type, askForSchema);
  }

  public boolean isText() {
    return type == null;
  }

  /** What to append to the prompt, or null: the JSON Schema the answer must match. */
  public String instruction() {
    if (!askForSchema || type == null) {
      return null;
    }
    return "请以 JSON 格式回复，回复需要满足以下 JSON Schema：\n\n```json\n"
        + JsonSchemas.pretty(JsonSchemas.of(declared)) + "\n```\n\n只输出一个 ```json 代码块，不要输出其他内容。";
  }

  @SuppressWarnings("unchecked")
  public T read(String text) {
    if (type == null) {
      return (T) text;
    }
    try {
      return JsonExtractor.extract(text, type);
    } catch (JsonExtractionException e) {
      throw new PromptException("the model's answer is not a " + type.toCanonical() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return type == null ? "String" : type.toCanonical();
  }
}
