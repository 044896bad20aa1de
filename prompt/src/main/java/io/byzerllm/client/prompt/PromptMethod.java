package io.byzerllm.client.prompt;

import io.byzerllm.client.prompt.annotation.PromptResource;
import io.byzerllm.client.prompt.annotation.Vars;
import io.byzerllm.client.prompt.internal.PromptSpec;
import io.byzerllm.client.prompt.internal.TemplateText;
import io.byzerllm.client.prompt.internal.TemplateVariables;
import io.byzerllm.client.prompt.internal.Templates;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One prompt method of an interface, checked once: its template, its parameter names against the
 * template's variables, its return type, and its {@link Vars} companion if it has one.
 */
record PromptMethod(Method method, Prompt<?> prompt, ReturnMode mode, List<String> parameterNames,
    Method varsCompanion, int metaIndex) {

  static boolean isPrompt(Method m) {
    return m.isAnnotationPresent(io.byzerllm.client.prompt.annotation.Prompt.class)
        || m.isAnnotationPresent(PromptResource.class);
  }

  static PromptMethod of(Class<?> iface, Method method) {
    String name = ReturnMode.describe(method);
    String template = TemplateText.dedent(templateOf(iface, method));
    try {
      Templates.checkSyntax(template);
    } catch (PromptException e) {
      throw new PromptException(name + ": " + e.getMessage(), e);
    }
    ReturnMode mode = ReturnMode.of(method);
    List<String> names = new ArrayList<>();
    int metaIndex = -1;
    for (int i = 0; i < method.getParameterCount(); i++) {
      Parameter p = method.getParameters()[i];
      if (!p.isNamePresent()) {
        throw new PromptException(name + ": parameter names are missing; compile with -parameters "
            + "(maven-compiler-plugin <parameters>true</parameters>)");
      }
      names.add(p.getName());
      if (p.getType() == MetaHolder.class) {
        metaIndex = i;
      }
    }
    Method companion = companion(iface, method);
    checkVariables(name, template, names, metaIndex, companion != null);
    PromptSpec spec = PromptSpec.of(template).withName(name, names);
    return new PromptMethod(method, Prompt.of(spec, mode.shape()), mode, List.copyOf(names), companion, metaIndex);
  }

  private static String templateOf(Class<?> iface, Method method) {
    var inline = method.getAnnotation(io.byzerllm.client.prompt.annotation.Prompt.class);
    var resource = method.getAnnotation(PromptResource.class);
    if (inline != null && resource != null) {
      throw new PromptException(ReturnMode.describe(method) + ": use either @Prompt or @PromptResource, not both");
    }
    if (inline != null) {
      return inline.value();
    }
    try (InputStream in = iface.getResourceAsStream(resource.value())) {
      if (in == null) {
        throw new PromptException(ReturnMode.describe(method) + ": template resource '" + resource.value()
            + "' not found next to " + iface.getName() + " (a leading '/' means the classpath root)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PromptException(ReturnMode.describe(method) + ": cannot read '" + resource.value() + "'", e);
    }
  }

  private static Method companion(Class<?> iface, Method method) {
    Method found = null;
    for (Method m : iface.getMethods()) {
      Vars vars = m.getAnnotation(Vars.class);
      if (vars == null || !vars.value().equals(method.getName())) {
        continue;
      }
      if (!Arrays.equals(m.getParameterTypes(), method.getParameterTypes())) {
        continue; // an overload's companion
      }
      if (!Map.class.isAssignableFrom(m.getReturnType()) || !(m.isDefault() || Modifier.isStatic(m.getModifiers()))) {
        throw new PromptException(ReturnMode.describe(m) + ": a @Vars companion is a static or default method "
            + "returning Map<String, ?>");
      }
      found = m;
    }
    return found;
  }

  private static void checkVariables(String name, String template, List<String> params, int metaIndex,
      boolean hasCompanion) {
    Set<String> free = TemplateVariables.free(template);
    Set<String> variables = new TreeSet<>(params);
    if (metaIndex >= 0) {
      variables.remove(params.get(metaIndex));
    }
    if (hasCompanion) {
      return; // the companion may define any variable and consume any parameter
    }
    Set<String> undefined = new TreeSet<>(free);
    undefined.removeAll(variables);
    if (!undefined.isEmpty()) {
      throw new PromptException(name + ": the template uses " + undefined + " but the method's parameters are "
          + variables + "; rename a parameter or add a @Vars companion that computes them");
    }
    Set<String> unused = new TreeSet<>(variables);
    unused.removeAll(free);
    if (!unused.isEmpty()) {
      throw new PromptException(name + ": parameters " + unused + " do not appear in the template " + free);
    }
  }
}
