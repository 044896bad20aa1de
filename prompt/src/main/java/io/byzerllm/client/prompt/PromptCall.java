package io.byzerllm.client.prompt;

import java.util.Map;

/** Runs one call of a prompt method in the mode its return type chose. */
final class PromptCall {
  private PromptCall() {}

  static Object invoke(PromptMethod m, Prompt<?> bound, Map<String, Object> vars, Object[] args) {
    Prompt<?> prompt = m.metaIndex() >= 0 && args[m.metaIndex()] instanceof MetaHolder holder
        ? bound.withMeta(holder) : bound;
    return switch (m.mode().kind()) {
      case VALUE -> m.mode().unwrap().apply(prompt.runVars(vars));
      case STREAM -> prompt.iteratorVars(vars).stream();
      case ITERATOR -> prompt.iteratorVars(vars);
      case ASYNC -> prompt.runAsyncVars(vars).thenApply(m.mode().unwrap());
    };
  }
}
