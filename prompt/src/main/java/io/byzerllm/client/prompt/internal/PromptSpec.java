package io.byzerllm.client.prompt.internal;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.prompt.MetaHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything a prompt function knows except its output type; {@link io.byzerllm.client.prompt.Prompt}
 * holds one and makes a new one at every {@code with*} step. {@code llm}, {@code model},
 * {@code extractor}, {@code returnPrefix} and {@code meta} are null when not set.
 */
public record PromptSpec(String name, String template, List<String> parameterNames, Supplier<ByzerLLM> llm,
    List<Object> conversation, Map<String, Object> llmConfig, String model, Function<String, String> extractor,
    Continuation continuation, String returnPrefix, List<String> stopSuffixes, MetaHolder meta) {

  public PromptSpec {
    Objects.requireNonNull(template, "template");
    name = name == null ? "prompt" : name;
    parameterNames = List.copyOf(parameterNames);
    conversation = java.util.Collections.unmodifiableList(new ArrayList<>(conversation));
    llmConfig = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(llmConfig));
    continuation = continuation == null ? Continuation.OFF : continuation;
    stopSuffixes = List.copyOf(stopSuffixes);
  }

  /** A spec of {@code template} with nothing else set. */
  public static PromptSpec of(String template) {
    return new PromptSpec(null, template, List.of(), null, List.of(), Map.of(), null, null, Continuation.OFF, null,
        List.of(), null);
  }

  /** The llm_config of one call: the options' config plus {@code gen.stop} and {@code gen.response_prefix}. */
  public Map<String, Object> callConfig() {
    Map<String, Object> config = new LinkedHashMap<>(llmConfig);
    if (!stopSuffixes.isEmpty()) {
      config.put("gen.stop", stopSuffixes);
    }
    if (returnPrefix != null) {
      config.put("gen.response_prefix", true);
    }
    return config;
  }

  public PromptSpec withName(String n, List<String> parameters) {
    return new PromptSpec(n, template, parameters, llm, conversation, llmConfig, model, extractor, continuation,
        returnPrefix, stopSuffixes, meta);
  }

  public PromptSpec withLlm(Supplier<ByzerLLM> l) {
    return new PromptSpec(name, template, parameterNames, l, conversation, llmConfig, model, extractor, continuation,
        returnPrefix, stopSuffixes, meta);
  }

  public PromptSpec withConversation(List<?> c) {
    return new PromptSpec(name, template, parameterNames, llm, new ArrayList<>(c), llmConfig, model, extractor,
        continuation, returnPrefix, stopSuffixes, meta);
  }

  public PromptSpec withOptions(Map<String, Object> config, String m) {
    return new PromptSpec(name, template, parameterNames, llm, conversation, config, m, extractor, continuation,
        returnPrefix, stopSuffixes, meta);
  }

  public PromptSpec withExtractor(Function<String, String> e) {
    return new PromptSpec(name, template, parameterNames, llm, conversation, llmConfig, model, e, continuation,
        returnPrefix, stopSuffixes, meta);
  }

  public PromptSpec withContinuation(Continuation c) {
    return new PromptSpec(name, template, parameterNames, llm, conversation, llmConfig, model, extractor, c,
        returnPrefix, stopSuffixes, meta);
  }

  public PromptSpec withReturnPrefix(String p) {
    return new PromptSpec(name, template, parameterNames, llm, conversation, llmConfig, model, extractor,
        continuation, p, stopSuffixes, meta);
  }

  public PromptSpec withStopSuffixes(List<String> s) {
    return new PromptSpec(name, template, parameterNames, llm, conversation, llmConfig, model, extractor,
        continuation, returnPrefix, s, meta);
  }

  public PromptSpec withMeta(MetaHolder m) {
    return new PromptSpec(name, template, parameterNames, llm, conversation, llmConfig, model, extractor,
        continuation, returnPrefix, stopSuffixes, m);
  }
}
