package io.byzerllm.client.prompt.tools;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a tool parameter, byzerllm's {@code Annotated[int, "时间跨度", {"enum": [...]}]}: {@code value}
 * is the description; {@code enumValues} lists the allowed values (a Java {@code enum} parameter lists
 * its constants without this).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {
  String value();

  String[] enumValues() default {};

  /** Whether the model must give it; a missing optional argument is passed as null (0/false for primitives). */
  boolean required() default true;
}
