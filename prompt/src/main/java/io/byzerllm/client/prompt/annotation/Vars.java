package io.byzerllm.client.prompt.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the companion that computes extra template variables for the prompt method named {@code value},
 * the Java shape of byzerllm's "the method body returns a dict". The companion is a {@code static} or
 * {@code default} method of the same interface with the same parameter types, returning
 * {@code Map<String, ?>}; its entries are merged over the arguments before rendering.
 *
 * <pre>{@code
 * @Prompt("Hello {{ name }}, your tasks:\n{{ tasks }}")
 * String generateAnswer(String name, List<Task> tasks);
 *
 * @Vars("generateAnswer")
 * static Map<String, Object> generateAnswerVars(String name, List<Task> tasks) {
 *   return Map.of("tasks", tasks.stream().map(t -> "- Task: " + t.name()).collect(joining("\n")));
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Vars {
  /** The name of the prompt method this companion serves. */
  String value();
}
