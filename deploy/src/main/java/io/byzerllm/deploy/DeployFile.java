package io.byzerllm.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --file deploy.yaml}: the deploy flags as YAML keys. A string value that starts with
 * {@code ENV} is a template filled from the environment ({@code model: ENV {{MODEL_NAME}}}), at the
 * top level and inside {@code infer_params} alike.
 */
public final class DeployFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern VAR = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  private DeployFile() {}

  public static Map<String, Object> read(Path file, Map<String, String> env) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidSpecException("--file " + file + " does not exist or is not a file");
    }
    Object parsed;
    try {
      parsed = YAML.readValue(file.toFile(), Object.class);
    } catch (IOException e) {
      throw new InvalidSpecException("--file " + file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(parsed instanceof Map<?, ?> top)) {
      throw new InvalidSpecException("--file " + file + " must hold a map of deploy keys, e.g. 'model: emb'");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    top.forEach((k, v) -> {
      if (!"file".equals(k)) {
        out.put(String.valueOf(k), render(v, value -> fill(value, env, file)));
      }
    });
    return out;
  }

  private static Object render(Object v, UnaryOperator<String> fill) {
    if (v instanceof String s) {
      return fill.apply(s);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), render(x, fill)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(x -> render(x, fill)).toList();
    }
    return v;
  }

  private static String fill(String value, Map<String, String> env, Path file) {
    if (!value.startsWith("ENV")) {
      return value;
    }
    Matcher m = VAR.matcher(value.substring(3).trim());
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String val = env.get(name);
      if (val == null) {
        throw new InvalidSpecException("--file " + file + " uses ENV {{" + name + "}} but " + name
            + " is not set; export it or write the value in the file");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(val));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
