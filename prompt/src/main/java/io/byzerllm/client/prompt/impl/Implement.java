package io.byzerllm.client.prompt.impl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The instruction for a method the model implements ({@link Impl}); without it, the method's name is the instruction. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Implement {
  /** What the method must do, e.g. "计算当前时间". */
  String value();
}
