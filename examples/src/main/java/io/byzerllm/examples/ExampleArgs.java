package io.byzerllm.examples;

import io.byzerllm.client.ByzerLLM;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line every example takes: {@code --address URL} (default: the environment variable
 * {@code LLM_ADDRESS}, else {@code http://127.0.0.1:8000}), {@code --model NAME} (each example has its
 * default, e.g. {@code deepseek_chat}), and example-specific {@code --name value} options.
 */
public record ExampleArgs(String address, String model, Map<String, String> options) {
  public static final String DEFAULT_ADDRESS = "http://127.0.0.1:8000";

  public ExampleArgs {
    options = Map.copyOf(options);
  }

  public static ExampleArgs parse(String[] args, String defaultModel) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("usage: [--address URL] [--model NAME] [--option value ...] (bad '"
            + args[i] + "')");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    String env = System.getenv("LLM_ADDRESS");
    String address = options.getOrDefault("address", env == null || env.isBlank() ? DEFAULT_ADDRESS : env);
    String model = options.getOrDefault("model", defaultModel);
    options.remove("address");
    options.remove("model");
    return new ExampleArgs(address, model, options);
  }

  /** A client of the node whose default model is {@link #model()}. */
  public ByzerLLM llm() {
    return ByzerLLM.connect(address).withDefaultModel(model);
  }

  /** A client of the node with {@code model} as its default model. */
  public ByzerLLM llm(String model) {
    return ByzerLLM.connect(address).withDefaultModel(model);
  }

  public String option(String name, String defaultValue) {
    return options.getOrDefault(name, defaultValue);
  }
}
