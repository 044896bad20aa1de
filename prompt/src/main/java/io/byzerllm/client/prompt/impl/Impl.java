package io.byzerllm.client.prompt.impl;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.PromptException;
import io.byzerllm.client.prompt.extract.JsonExtractor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * byzerllm's {@code @llm.impl()}: interface methods with no body, implemented by the model. On the
 * first call of a method the model is asked for Java source (the method's signature, its return type's
 * JSON Schema, the instruction from {@link Implement}); the source is compiled in memory with the JDK
 * compiler and the method runs. The compiled method is cached by (model, instruction, signature), so
 * later calls make no request and cost microseconds; {@link #clearImplCache()} forgets it.
 *
 * <p><b>This runs code a model wrote, in this JVM, with this process's permissions.</b> That is why it
 * is opt-in: {@link #enableGeneratedCode(ByzerLLM)}. Use it for prototypes and trusted models only.
 *
 * <pre>{@code
 * interface Clock { @Implement("计算当前时间") Time calculateCurrentTime(); }
 * Clock clock = Impl.enableGeneratedCode(llm).create(Clock.class);
 * clock.calculateCurrentTime();   // Time[time=2024-06-14]
 * }</pre>
 *
 * <p>Thread-safe. A model answer that does not compile, or has no such method, throws
 * {@link PromptException} quoting the compiler's errors and the code; nothing is cached then.
 */
public final class Impl {
  private final ByzerLLM llm;
  private final Map<ImplKey, Method> cache = new ConcurrentHashMap<>();

  private Impl(ByzerLLM llm) {
    this.llm = llm;
  }

  /** Opts in to running model-written code with {@code llm} as the author. */
  public static Impl enableGeneratedCode(ByzerLLM llm) {
    return new Impl(Objects.requireNonNull(llm, "llm"));
  }

  /** An implementation of {@code iface}: abstract methods are written by the model; default methods run as declared. */
  public <I> I create(Class<I> iface) {
    if (!iface.isInterface()) {
      throw new PromptException(iface.getName() + " is not an interface");
    }
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return switch (method.getName()) {
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          default -> "Impl[" + iface.getName() + "]";
        };
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      return call(method, args == null ? new Object[0] : args);
    };
    return iface.cast(Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[] {iface}, handler));
  }

  /** byzerllm's {@code clear_impl_cache()}: the next call of every method asks the model again. */
  public void clearImplCache() {
    cache.clear();
  }

  /** How many implementations are cached. */
  public int cacheSize() {
    return cache.size();
  }

  private Object call(Method method, Object[] args) throws Throwable {
    String instruction = instruction(method);
    ImplKey key = new ImplKey(String.valueOf(llm.defaultModel()), instruction, ImplPrompt.signature(method));
    Method impl = cache.get(key);
    if (impl == null) {
      impl = generate(method, instruction);
      cache.put(key, impl);
    }
    try {
      return result(method, impl.invoke(null, args));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Method generate(Method method, String instruction) {
    String answer = llm.chatOai(List.of(Message.user(ImplPrompt.text(method, instruction)))).get(0).output();
    String source = ImplPrompt.code(answer);
    String className = ImplPrompt.className(source);
    List<Class<?>> visible = new java.util.ArrayList<>(List.of(method.getDeclaringClass(), method.getReturnType()));
    visible.addAll(List.of(method.getParameterTypes()));
    Class<?> type = InMemoryCompiler.compile(className, source, method.getDeclaringClass().getClassLoader(), visible);
    try {
      Method m = type.getMethod(method.getName(), method.getParameterTypes());
      if (!Modifier.isStatic(m.getModifiers())) {
        throw new PromptException("the model's " + className + "." + method.getName() + " is not static:\n" + source);
      }
      m.setAccessible(true);
      return m;
    } catch (NoSuchMethodException e) {
      throw new PromptException("the model's code has no public static " + ImplPrompt.signature(method) + ":\n"
          + source, e);
    }
  }

  private static Object result(Method method, Object value) {
    Class<?> want = method.getReturnType();
    if (value == null || want == void.class || wrap(want).isInstance(value)) {
      return value;
    }
    if (value instanceof String s) {
      return JsonExtractor.extract(s, method.getGenericReturnType());
    }
    return JsonExtractor.LENIENT.convertValue(value, JsonExtractor.LENIENT.constructType(method.getGenericReturnType()));
  }

  private static Class<?> wrap(Class<?> c) {
    return c.isPrimitive() ? java.lang.invoke.MethodType.methodType(c).wrap().returnType() : c;
  }

  private static String instruction(Method method) {
    Implement a = method.getAnnotation(Implement.class);
    return a == null ? method.getName() : a.value();
  }

  private record ImplKey(String model, String instruction, String signature) {}
}
