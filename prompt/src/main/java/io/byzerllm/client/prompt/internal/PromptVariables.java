package io.byzerllm.client.prompt.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.byzerllm.client.prompt.AudioPath;
import io.byzerllm.client.prompt.Image;
import io.byzerllm.client.prompt.ImagePath;
import io.byzerllm.client.prompt.MetaHolder;
import io.byzerllm.client.prompt.PromptException;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Turns a prompt function's arguments into template variables. */
public final class PromptVariables {
  private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private PromptVariables() {}

  /**
   * The variables given by {@code args}: nothing; one {@link Map}; one record or bean (its properties);
   * name/value pairs ({@code "n", 100, "topic", "space"}); or, when {@code parameterNames} is not empty
   * and the counts match, values in parameter order.
   */
  public static Map<String, Object> of(List<String> parameterNames, Object... args) {
    if (args == null || args.length == 0) {
      return Map.of();
    }
    if (!parameterNames.isEmpty() && args.length == parameterNames.size()) {
      return positional(parameterNames, args);
    }
    if (args.length == 1 && args[0] instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), v));
      return out;
    }
    if (args.length == 1 && isBean(args[0])) {
      return beanProperties(args[0]);
    }
    return pairs(args);
  }

  /** {@code names[i] -> values[i]}; a {@link MetaHolder} value is not a variable and is skipped. */
  public static Map<String, Object> positional(List<String> names, Object[] values) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      if (!(values[i] instanceof MetaHolder)) {
        out.put(names.get(i), values[i]);
      }
    }
    return out;
  }

  /** The values as the template sees them: files read into tags, records and beans as maps (so {@code task.name} works). */
  public static Map<String, Object> templateValues(Map<String, ?> vars) {
    Map<String, Object> out = new LinkedHashMap<>();
    vars.forEach((k, v) -> out.put(k, templateValue(v)));
    return out;
  }

  private static Object templateValue(Object v) {
    if (v == null || v instanceof CharSequence || v instanceof Number || v instanceof Boolean
        || v instanceof Character) {
      return v instanceof CharSequence cs ? cs.toString() : v;
    }
    if (v instanceof ImagePath p) {
      return p.tagged();
    }
    if (v instanceof AudioPath p) {
      return p.tagged();
    }
    if (v instanceof Image i) {
      return i.tagged();
    }
    if (v instanceof Enum<?> || v instanceof TemporalAccessor || v instanceof UUID) {
      return v.toString();
    }
    return MAPPER.convertValue(v, Object.class);
  }

  private static boolean isBean(Object o) {
    if (o == null || o instanceof CharSequence || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>
        || o.getClass().isArray() || o instanceof Iterable<?>) {
      return false;
    }
    return o.getClass().isRecord() || !o.getClass().getName().startsWith("java.");
  }

  private static Map<String, Object> beanProperties(Object bean) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (bean.getClass().isRecord()) {
      for (var c : bean.getClass().getRecordComponents()) {
        try {
          c.getAccessor().setAccessible(true);
          out.put(c.getName(), c.getAccessor().invoke(bean));
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new PromptException("cannot read " + bean.getClass().getSimpleName() + "." + c.getName(), e);
        }
      }
      return out;
    }
    Object tree = MAPPER.convertValue(bean, Object.class);
    if (!(tree instanceof Map<?, ?> map)) {
      throw new PromptException("cannot use a " + bean.getClass().getName() + " as prompt variables; pass a Map, "
          + "a record or name/value pairs");
    }
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static Map<String, Object> pairs(Object[] args) {
    if (args.length % 2 != 0) {
      throw new PromptException("prompt arguments are a Map, a record, or name/value pairs (\"n\", 100); got "
          + args.length + " values");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!(args[i] instanceof String name)) {
        throw new PromptException("argument " + i + " must be a variable name (a String) in name/value pairs (got "
            + args[i] + ")");
      }
      out.put(name, args[i + 1]);
    }
    return out;
  }
}
