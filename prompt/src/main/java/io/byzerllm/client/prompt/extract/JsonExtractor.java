package io.byzerllm.client.prompt.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a value of a Java type out of a model's answer, tolerantly, as byzerllm's {@code to_model} and
 * {@code execute_response_format} do. Candidates, tried in order until one converts to the type:
 * the whole answer; the fenced {@code json} blocks, last first; the other fenced blocks, last first;
 * the span from the first {@code {}/{@code [} to the last {@code }}/{@code ]}. Each candidate is parsed
 * leniently (single quotes, unquoted keys, trailing commas, comments) and, if that fails, after
 * {@link JsonRepair}.
 *
 * <p>Conveniences: a JSON object answers a {@code List<T>} as a one-element list; a bare scalar
 * answers a one-component record such as {@code Bool} ({@code true} → {@code Bool(true)}).
 */
public final class JsonExtractor {
  /** The lenient mapper: the JSON5-like liberties models take, unknown properties ignored. */
  public static final ObjectMapper LENIENT = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
          JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_JAVA_COMMENTS,
          JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS, JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
          JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      .build();

  private static final java.util.regex.Pattern SCALAR =
      java.util.regex.Pattern.compile("(?i)true|false|-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

  private JsonExtractor() {}

  /** The value of {@code type} in {@code text}; throws {@link JsonExtractionException} saying why none was found. */
  public static <T> T extract(String text, Class<T> type) {
    return extract(text, LENIENT.constructType(type));
  }

  /** The value of a generic type ({@code List<Story>}) in {@code text}. */
  public static <T> T extract(String text, Type type) {
    return extract(text, LENIENT.constructType(type));
  }

  /** The value of a Jackson type in {@code text}. */
  public static <T> T extract(String text, JavaType type) {
    String lastProblem = "no JSON found";
    for (String candidate : candidates(text)) {
      Optional<JsonNode> node = parse(candidate);
      if (node.isEmpty()) {
        lastProblem = "not JSON even after repair";
        continue;
      }
      try {
        return LENIENT.convertValue(adapt(node.get(), type), type);
      } catch (IllegalArgumentException e) {
        lastProblem = e.getMessage();
      }
    }
    throw new JsonExtractionException("could not read a " + type.toCanonical() + " from the answer (" + lastProblem
        + ")", text);
  }

  /** The first candidate of {@code text} that parses as JSON, as a tree; empty when none does. */
  public static Optional<JsonNode> extractNode(String text) {
    for (String candidate : candidates(text)) {
      Optional<JsonNode> node = parse(candidate);
      if (node.isPresent()) {
        return node;
      }
    }
    return Optional.empty();
  }

  /** The lenient parse of one JSON text, repaired if needed; empty when it is not JSON. */
  public static Optional<JsonNode> parse(String json) {
    for (String attempt : List.of(json, JsonRepair.repair(json))) {
      try {
        JsonNode node = LENIENT.readTree(attempt);
        if (node != null && (node.isContainerNode() || node.isValueNode()) && !node.isMissingNode()) {
          return Optional.of(node);
        }
      } catch (JsonProcessingException e) {
        // try the next attempt; the caller reports when none parses
      }
    }
    return Optional.empty();
  }

  static List<String> candidates(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    String whole = text.strip();
    if (whole.startsWith("{") || whole.startsWith("[") || SCALAR.matcher(whole).matches()) {
      out.add(whole);
    }
    List<CodeBlock> blocks = CodeUtils.fencedBlocks(text);
    List<String> others = new ArrayList<>();
    for (int i = blocks.size() - 1; i >= 0; i--) {
      (blocks.get(i).language().equalsIgnoreCase("json") ? out : others).add(blocks.get(i).code().strip());
    }
    out.addAll(others);
    String span = span(text);
    if (span != null) {
      out.add(span);
    }
    return out.stream().filter(s -> !s.isEmpty()).toList();
  }

  private static String span(String text) {
    int start = firstOf(text, '{', '[');
    int end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
    if (start < 0) {
      return null;
    }
    // a reply cut off before its closing bracket still yields the open span (JsonRepair closes it)
    return end > start ? text.substring(start, end + 1) : text.substring(start);
  }

  private static int firstOf(String text, char a, char b) {
    int i = text.indexOf(a);
    int j = text.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  private static JsonNode adapt(JsonNode node, JavaType type) {
    Class<?> raw = type.getRawClass();
    if (node.isValueNode() && raw.isRecord() && raw.getRecordComponents().length == 1) {
      RecordComponent only = raw.getRecordComponents()[0];
      return JsonNodeFactory.instance.objectNode().set(only.getName(), node);
    }
    return node;
  }
}
