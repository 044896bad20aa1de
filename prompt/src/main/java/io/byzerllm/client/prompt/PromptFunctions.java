package io.byzerllm.client.prompt;

import io.byzerllm.client.ByzerLLM;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Turns an interface of prompt methods into an implementation bound to a model, the declarative shape
 * of byzerllm's {@code @byzerllm.prompt()} (like LangChain4j's AI services):
 *
 * <pre>{@code
 * interface Stories {
 *   @Prompt("讲一个{{ n }}字的故事。")
 *   String tellStory(int n);                 // the answer's text
 *
 *   @Prompt("讲一个{{ n }}字的故事。")
 *   Story tellStoryAsObject(int n);          // JSON matching Story's schema, read tolerantly
 *
 *   @Prompt("给我讲一个一百多字的故事")
 *   Stream<String> streamStory(MetaHolder meta);   // deltas; closing the stream closes the HTTP stream
 * }
 * Stories stories = PromptFunctions.create(Stories.class, llm);
 * }</pre>
 *
 * <p>The declared return type chooses the mode: {@code String}; a record, POJO, {@code List<T>} or
 * {@code Map} (the prompt gets the type's JSON Schema appended); {@code boolean}, {@code int},
 * {@code long}, {@code double} (read via {@link Bool}, {@link Int}, {@link Num}); {@code Stream<String>} or
 * {@code Iterator<String>} (streaming; the iterator is an {@code AutoCloseable}
 * {@link TextStream}; {@code TextStream} itself may be declared); {@code CompletableFuture<X>} of a value mode.
 * Parameters bind to template variables by name (compile with {@code -parameters}); a {@link MetaHolder}
 * parameter receives the call's metadata instead; an
 * {@link io.byzerllm.client.prompt.annotation.Vars @Vars} companion adds computed variables.
 *
 * <p>{@code create} checks every method once and throws {@link PromptException} naming the method when a
 * template does not parse, parameters and template variables disagree, or a return type is not supported.
 * {@code default} methods run as written; {@code equals}, {@code hashCode} and {@code toString} behave as
 * for any object.
 */
public final class PromptFunctions {
  private PromptFunctions() {}

  /** An implementation of {@code iface} whose prompt methods call {@code llm}. */
  public static <I> I create(Class<I> iface, ByzerLLM llm) {
    Objects.requireNonNull(llm, "llm");
    return create(iface, () -> llm);
  }

  /**
   * An implementation whose prompt methods call the llm {@code llm} supplies at each call (byzerllm's
   * {@code @byzerllm.prompt(lambda self: self.llm)}).
   */
  public static <I> I create(Class<I> iface, Supplier<ByzerLLM> llm) {
    Objects.requireNonNull(llm, "llm");
    Map<Method, PromptMethod> methods = check(iface);
    Object proxy = Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface},
        new Handler(iface, methods, llm));
    return iface.cast(proxy);
  }

  /**
   * The fluent {@link Prompt} of one prompt method (no llm bound), for rendering only
   * ({@code function(Hello.class, "hello").prompt("你是谁")}: arguments in parameter order) or for
   * binding another model with {@code withLlm(...)}. A method with a {@code @Vars} companion renders
   * without its computed variables here. The result type is the method's value type, unchecked.
   */
  @SuppressWarnings("unchecked")
  public static <T> Prompt<T> function(Class<?> iface, String methodName) {
    for (PromptMethod m : check(iface).values()) {
      if (m.method().getName().equals(methodName)) {
        return (Prompt<T>) m.prompt();
      }
    }
    throw new PromptException(iface.getSimpleName() + " has no prompt method named " + methodName);
  }

  /** Checks every method of {@code iface}; throws {@link PromptException} at the first problem. */
  static Map<Method, PromptMethod> check(Class<?> iface) {
    if (!iface.isInterface()) {
      throw new PromptException(iface.getName() + " is not an interface; prompt functions are declared on one");
    }
    Map<Method, PromptMethod> out = new LinkedHashMap<>();
    for (Method m : iface.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
        continue;
      }
      if (!PromptMethod.isPrompt(m)) {
        throw new PromptException(ReturnMode.describe(m) + " is abstract but has no @Prompt or @PromptResource");
      }
      out.put(m, PromptMethod.of(iface, m));
    }
    return Map.copyOf(out);
  }

  private record Handler(Class<?> iface, Map<Method, PromptMethod> methods, Supplier<ByzerLLM> llm)
      implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Object[] a = args == null ? new Object[0] : args;
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(proxy, method, a);
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, a);
      }
      PromptMethod m = methods.get(method);
      return PromptCall.invoke(m, m.prompt().withLlm(llm), vars(proxy, m, a), a);
    }

    private Map<String, Object> vars(Object proxy, PromptMethod m, Object[] args) throws Throwable {
      Map<String, Object> vars = new LinkedHashMap<>(
          io.byzerllm.client.prompt.internal.PromptVariables.positional(m.parameterNames(), args));
      if (m.varsCompanion() != null) {
        Object computed;
        try {
          computed = m.varsCompanion().isDefault() ? InvocationHandler.invokeDefault(proxy, m.varsCompanion(), args)
              : m.varsCompanion().invoke(null, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
        if (computed instanceof Map<?, ?> map) {
          map.forEach((k, v) -> vars.put(String.valueOf(k), v));
        }
      }
      return vars;
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        case "toString" -> "PromptFunctions[" + iface.getName() + "]";
        default -> throw new UnsupportedOperationException(method.toString());
      };
    }
  }
}
