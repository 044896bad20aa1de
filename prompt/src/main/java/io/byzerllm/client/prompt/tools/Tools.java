package io.byzerllm.client.prompt.tools;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.client.prompt.internal.JsonSchemas;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Tools from annotated Java methods: every {@link Tool} method of the given objects (instance and static
 * methods) or classes (static methods only). Each parameter's JSON Schema comes from its Java type
 * (ints, strings, enums, lists, records) plus its {@link Param} description and enum; the model's
 * arguments are converted to the parameter types before the method runs (numbers given as strings,
 * enum names in any case and a single value for a list are accepted).
 */
public final class Tools {
  private static final ObjectMapper ARGUMENTS = JsonMapper.builder()
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Tools() {}

  /**
   * The tools of {@code targets}: objects (their {@code @Tool} methods), classes (their static
   * {@code @Tool} methods) or {@link ToolSpec}s (taken as they are).
   */
  public static List<ToolSpec> from(Object... targets) {
    List<ToolSpec> out = new ArrayList<>();
    for (Object target : targets) {
      if (target instanceof ToolSpec spec) {
        out.add(spec); // a hand-written tool among annotated ones
        continue;
      }
      Class<?> type = target instanceof Class<?> c ? c : target.getClass();
      Object receiver = target instanceof Class<?> ? null : target;
      List<Method> methods = new ArrayList<>(List.of(type.getMethods()));
      methods.sort(Comparator.comparing(Method::getName));
      for (Method m : methods) {
        if (m.isAnnotationPresent(Tool.class)) {
          if (receiver == null && !Modifier.isStatic(m.getModifiers())) {
            throw new IllegalArgumentException(type.getSimpleName() + "." + m.getName()
                + " is an instance method; pass an instance, not the class");
          }
          out.add(of(m, receiver));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no public @Tool methods found in " + List.of(targets));
    }
    return List.copyOf(out);
  }

  /** The tool of one method ({@code receiver} null for a static method). */
  public static ToolSpec of(Method method, Object receiver) {
    Tool tool = method.getAnnotation(Tool.class);
    String name = tool == null || tool.name().isEmpty() ? method.getName() : tool.name();
    String description = tool == null ? "" : tool.value();
    return ToolSpec.of(name, description, schema(method), args -> invoke(method, receiver, args));
  }

  static ObjectNode schema(Method method) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = schema.putArray("required");
    for (Parameter p : method.getParameters()) {
      ObjectNode property = JsonSchemas.inline(p.getParameterizedType());
      Param param = p.getAnnotation(Param.class);
      if (param != null) {
        property.put("description", param.value());
        if (param.enumValues().length > 0) {
          ArrayNode values = property.putArray("enum");
          for (String v : param.enumValues()) {
            values.add(v);
          }
        }
      }
      properties.set(p.getName(), property);
      if (param == null || param.required()) {
        required.add(p.getName());
      }
    }
    return schema;
  }

  private static Object invoke(Method method, Object receiver, Map<String, Object> args) throws Exception {
    Parameter[] params = method.getParameters();
    Object[] values = new Object[params.length];
    for (int i = 0; i < params.length; i++) {
      values[i] = argument(method, params[i], args);
    }
    try {
      method.setAccessible(true);
      return method.invoke(receiver, values);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static Object argument(Method method, Parameter p, Map<String, Object> args) {
    Param param = p.getAnnotation(Param.class);
    Object raw = args.get(p.getName());
    if (raw == null) {
      if (param == null || param.required()) {
        throw new IllegalArgumentException("missing argument '" + p.getName() + "' for " + method.getName());
      }
      return defaultOf(p.getType());
    }
    if (param != null && param.enumValues().length > 0 && !List.of(param.enumValues()).contains(String.valueOf(raw))) {
      throw new IllegalArgumentException("argument '" + p.getName() + "' of " + method.getName() + " must be one of "
          + List.of(param.enumValues()) + " (got '" + raw + "')");
    }
    JavaType type = ARGUMENTS.constructType(p.getParameterizedType());
    try {
      return ARGUMENTS.convertValue(raw, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("argument '" + p.getName() + "' of " + method.getName() + " is not a "
          + type.toCanonical() + " (got " + raw + ")", e);
    }
  }

  private static Object defaultOf(Class<?> type) {
    if (!type.isPrimitive()) {
      return null;
    }
    if (type == boolean.class) {
      return false;
    }
    if (type == char.class) {
      return '\0';
    }
    return ARGUMENTS.convertValue(0, type);
  }
}
