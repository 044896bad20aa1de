package io.byzerllm.client.prompt;

import io.byzerllm.client.prompt.internal.OutputShape;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/** How a prompt method's declared return type is served: what to ask for, how to call, how to hand back. */
record ReturnMode(Kind kind, OutputShape<?> shape, Function<Object, Object> unwrap) {
  enum Kind { VALUE, STREAM, ITERATOR, ASYNC }

  private static final Set<Class<?>> SCALARS = Set.of(boolean.class, Boolean.class, int.class, Integer.class,
      long.class, Long.class, double.class, Double.class, float.class, Float.class);

  static ReturnMode of(Method method) {
    Type type = method.getGenericReturnType();
    Class<?> raw = method.getReturnType();
    if (raw == TextStream.class) {
      return new ReturnMode(Kind.ITERATOR, OutputShape.text(), v -> v);
    }
    if (raw == Stream.class || raw == Iterator.class) {
      requireStringElement(method, type);
      return new ReturnMode(raw == Stream.class ? Kind.STREAM : Kind.ITERATOR, OutputShape.text(), v -> v);
    }
    if (raw == CompletableFuture.class) {
      Type inner = typeArgument(method, type);
      ReturnMode value = value(method, inner, rawOf(inner));
      return new ReturnMode(Kind.ASYNC, value.shape(), value.unwrap());
    }
    return value(method, type, raw);
  }

  private static ReturnMode value(Method method, Type type, Class<?> raw) {
    if (raw == String.class) {
      return new ReturnMode(Kind.VALUE, OutputShape.text(), v -> v);
    }
    if (SCALARS.contains(raw)) {
      return scalar(raw);
    }
    boolean json = raw == List.class || raw == Map.class || Collection.class.isAssignableFrom(raw)
        || raw.isRecord() || (!raw.isPrimitive() && !raw.isArray() && !raw.isInterface()
            && !raw.getName().startsWith("java."));
    if (raw == void.class || !json) {
      throw new PromptException(describe(method) + ": return type " + type.getTypeName() + " is not supported; use "
          + "String, a record/POJO, List<T>, boolean/int/long/double, Stream<String>, Iterator<String> or "
          + "CompletableFuture<...> of one of them");
    }
    return new ReturnMode(Kind.VALUE, OutputShape.json(type, true), v -> v);
  }

  private static ReturnMode scalar(Class<?> raw) {
    if (raw == boolean.class || raw == Boolean.class) {
      return new ReturnMode(Kind.VALUE, OutputShape.json(Bool.class, true), v -> ((Bool) v).value());
    }
    if (raw == int.class || raw == Integer.class) {
      return new ReturnMode(Kind.VALUE, OutputShape.json(Int.class, true), v -> Math.toIntExact(((Int) v).value()));
    }
    if (raw == long.class || raw == Long.class) {
      return new ReturnMode(Kind.VALUE, OutputShape.json(Int.class, true), v -> ((Int) v).value());
    }
    if (raw == float.class || raw == Float.class) {
      return new ReturnMode(Kind.VALUE, OutputShape.json(Num.class, true), v -> (float) ((Num) v).value());
    }
    return new ReturnMode(Kind.VALUE, OutputShape.json(Num.class, true), v -> ((Num) v).value());
  }

  private static void requireStringElement(Method method, Type type) {
    if (typeArgument(method, type) != String.class) {
      throw new PromptException(describe(method) + ": a streaming prompt method returns Stream<String> or "
          + "Iterator<String> (got " + type.getTypeName() + ")");
    }
  }

  private static Type typeArgument(Method method, Type type) {
    if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
      return p.getActualTypeArguments()[0];
    }
    throw new PromptException(describe(method) + ": give the type argument of " + type.getTypeName());
  }

  private static Class<?> rawOf(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }

  static String describe(Method method) {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName();
  }
}
