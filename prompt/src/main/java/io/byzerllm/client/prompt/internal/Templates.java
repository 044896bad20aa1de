package io.byzerllm.client.prompt.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import io.byzerllm.client.prompt.PromptException;
import java.util.List;
import java.util.Map;

/** Jinja2 rendering with Jinjava (loops, conditionals, attribute access, filters), shared and thread-safe. */
public final class Templates {
  private static final Jinjava JINJAVA = new Jinjava(JinjavaConfig.newBuilder().build());

  private Templates() {}

  /**
   * The rendered template, stripped of surrounding whitespace as byzerllm's prompts are. Values must
   * be template-ready (see {@link PromptVariables#templateValues}). A template error (syntax, a failing
   * filter) throws {@link PromptException} naming the line.
   */
  public static String render(String template, Map<String, Object> values) {
    RenderResult result = JINJAVA.renderForResult(template, values);
    List<TemplateError> fatal = result.getErrors().stream()
        .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
    if (!fatal.isEmpty()) {
      throw new PromptException("the prompt template does not render: " + describe(fatal.get(0)));
    }
    return result.getOutput().strip();
  }

  /** Throws {@link PromptException} when {@code template} is not valid Jinja2 (checked by rendering it with no values). */
  public static void checkSyntax(String template) {
    RenderResult result = JINJAVA.renderForResult(template, Map.of());
    for (TemplateError e : result.getErrors()) {
      if (e.getSeverity() == TemplateError.ErrorType.FATAL
          && e.getReason() != TemplateError.ErrorReason.UNKNOWN
          && e.getReason() != TemplateError.ErrorReason.EXCEPTION) {
        throw new PromptException("the prompt template is not valid Jinja2: " + describe(e));
      }
    }
  }

  private static String describe(TemplateError e) {
    return e.getMessage() + " (line " + e.getLineno() + ", " + e.getReason() + ")";
  }
}
