package io.byzerllm.client.prompt.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes an interface method a prompt function (byzerllm's {@code @byzerllm.prompt()} with the docstring
 * as template): {@code value} is a Jinja2 template whose variables are the method's parameters (by name;
 * compile with {@code -parameters}) plus what a {@link Vars} companion computes. The return type chooses
 * the mode; see {@link io.byzerllm.client.prompt.PromptFunctions}.
 *
 * <p>It shares its simple name with the fluent {@link io.byzerllm.client.prompt.Prompt}; a file that uses
 * both imports one and names the other in full.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Prompt {
  /** The Jinja2 template; a text block's indentation is removed. */
  String value();
}
