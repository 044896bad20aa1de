package io.byzerllm.client.prompt.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Like {@link Prompt}, with the template in a UTF-8 resource file ({@code "story.j2"} next to the interface's
 * class, {@code "/prompts/story.j2"} from the classpath root), as {@link Class#getResource} resolves it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PromptResource {
  String value();
}
