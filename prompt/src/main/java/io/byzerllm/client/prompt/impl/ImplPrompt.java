package io.byzerllm.client.prompt.impl;

import io.byzerllm.client.prompt.PromptException;
import io.byzerllm.client.prompt.extract.CodeUtils;
import io.byzerllm.client.prompt.internal.JsonSchemas;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** byzerllm's FUNCTION_IMPL prompt, for Java: the signature, the return type's schema, the rules; and reading the answer. */
final class ImplPrompt {
  private static final Pattern CLASS = Pattern.compile("public\\s+(?:final\\s+)?class\\s+([A-Za-z_$][\\w$]*)");
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  private ImplPrompt() {}

  static String signature(Method method) {
    String params = Arrays.stream(method.getParameters()).map(ImplPrompt::parameter).collect(Collectors.joining(", "));
    return "public static " + typeName(method.getGenericReturnType()) + " " + method.getName() + "(" + params + ")";
  }

  static String text(Method method, String instruction) {
    Type returns = method.getGenericReturnType();
    StringBuilder p = new StringBuilder("请使用 FUNCTION_IMPL 相关的能力：用 Java 17 实现下面这个方法。\n\n")
        .append("方法要做的事：").append(instruction).append("\n\n方法签名：\n\n```java\n").append(signature(method))
        .append("\n```\n\n");
    if (!(returns instanceof Class<?> c && (c.isPrimitive() || c.getName().startsWith("java.")))) {
      p.append("返回值类型 ").append(typeName(returns)).append(" 的 JSON Schema：\n\n```json\n")
          .append(JsonSchemas.pretty(JsonSchemas.of(returns))).append("\n```\n\n");
    }
    return p.append("""
        规则：
        1. 只输出一个 ```java 代码块，其中定义一个 public class（不要写 package 声明），类里有上面签名的 public static 方法。
        2. 类型请写完整的类名（如 java.time.LocalDate），或者在代码块开头 import。
        3. 只使用 JDK 标准库和签名里出现的类型。
        4. 不要演示如何调用，不要写 main 方法。""").toString();
  }

  /** The source in the answer: the last {@code java} block, else the last block, else the whole answer. */
  static String code(String answer) {
    String java = CodeUtils.lastBlock(answer, "java");
    if (java != null) {
      return java;
    }
    var blocks = CodeUtils.extractCode(answer);
    return blocks.get(blocks.size() - 1).code();
  }

  static String className(String source) {
    Matcher m = CLASS.matcher(source);
    if (!m.find()) {
      throw new PromptException("the model's code defines no public class:\n" + source);
    }
    Matcher pkg = PACKAGE.matcher(source);
    return pkg.find() ? pkg.group(1) + "." + m.group(1) : m.group(1);
  }

  private static String parameter(Parameter p) {
    return typeName(p.getParameterizedType()) + " " + p.getName();
  }

  private static String typeName(Type type) {
    return type instanceof Class<?> c && c.getCanonicalName() != null ? c.getCanonicalName()
        : type.getTypeName().replace('$', '.');
  }
}
