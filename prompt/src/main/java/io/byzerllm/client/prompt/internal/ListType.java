package io.byzerllm.client.prompt.internal;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/** {@code List<E>} as a reflection type, for schemas and conversion of list answers. */
public record ListType(Type element) implements ParameterizedType {
  public static ListType of(Type element) {
    return new ListType(element);
  }

  @Override
  public Type[] getActualTypeArguments() {
    return new Type[] {element};
  }

  @Override
  public Type getRawType() {
    return List.class;
  }

  @Override
  public Type getOwnerType() {
    return null;
  }

  @Override
  public String getTypeName() {
    return "java.util.List<" + element.getTypeName() + ">";
  }
}
