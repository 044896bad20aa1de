package io.byzerllm.client.prompt.tools;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method a tool the model may call ({@link Tools#from}), byzerllm's tool function with its
 * docstring: {@code value} is the description the model reads; {@code name} defaults to the method's name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Tool {
  /** What the tool does, for the model. */
  String value();

  /** The name the model calls it by; empty: the method's name. */
  String name() default "";
}
