package io.byzerllm.client.prompt.internal;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.prompt.MetaHolder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything a prompt function knows except its output type. Mutable only while being copied:
 * {@link io.byzerllm.client.prompt.Prompt} copies it at every {@code with*} step and never changes a
 * spec it has handed out.
 */
public final class PromptSpec implements Cloneable {
  public static final String DEFAULT_CONTINUE_PROMPT = "接着前面的内容继续";
  public static final int DEFAULT_MAX_TURNS = 10;

  public String name = "prompt";
  public String template;
  public List<String> parameterNames = List.of();
  public Supplier<ByzerLLM> llm;
  public List<Object> conversation = List.of();
  public Map<String, Object> llmConfig = Map.of();
  public String model;
  public Function<String, String> extractor;
  public boolean responseMarkers;
  public String markerStart = "<RESPONSE>";
  public String markerEnd = "</RESPONSE>";
  public int maxTurns = DEFAULT_MAX_TURNS;
  public String continuePrompt = DEFAULT_CONTINUE_PROMPT;
  public String returnPrefix;
  public List<String> stopSuffixes = List.of();
  public MetaHolder meta;

  public PromptSpec(String template) {
    this.template = template;
  }

  public PromptSpec copy() {
    try {
      return (PromptSpec) clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
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
}
