package io.byzerllm.examples;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.lite.SimpleByzerLLM;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The command line every example takes: {@code --address URL} (default: the environment variable
 * {@code LLM_ADDRESS}, else {@code http://127.0.0.1:8000}), {@code --model NAME} (each example has its
 * default, e.g. {@code deepseek_chat}), and example-specific {@code --name value} options.
 * {@code --product_mode lite} runs the models in the example's own JVM from the registry
 * {@code $LLM_HOME/models.json} ({@code --llm_home DIR} for another) instead of on a node (byzerllm's
 * {@code get_single_llm(name, "lite")}).
 *
 * <p>{@code client} is the client every {@link #llm()} is a copy of: a node's, or an in-process one.
 */
public record ExampleArgs(String address, String model, Map<String, String> options, ByzerLLM client) {
  public static final String DEFAULT_ADDRESS = "http://127.0.0.1:8000";

  public ExampleArgs {
    options = Map.copyOf(options);
  }

  public static ExampleArgs parse(String[] args, String defaultModel) {
    return parse(args, defaultModel, null);
  }

  /** Parses {@code args}; a non-null {@code client} is used instead of the one {@code --address}/{@code --product_mode} name. */
  public static ExampleArgs parse(String[] args, String defaultModel, ByzerLLM client) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("usage: [--address URL | --product_mode lite] [--model NAME] "
            + "[--option value ...] (bad '" + args[i] + "')");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    String env = System.getenv("LLM_ADDRESS");
    String address = options.getOrDefault("address", env == null || env.isBlank() ? DEFAULT_ADDRESS : env);
    String model = options.getOrDefault("model", defaultModel);
    String mode = options.getOrDefault("product_mode", "pro");
    Path home = options.containsKey("llm_home") ? Path.of(options.get("llm_home")) : ModelRegistry.defaultHome();
    options.remove("address");
    options.remove("model");
    options.remove("product_mode");
    options.remove("llm_home");
    if (client == null) {
      client = "lite".equalsIgnoreCase(mode) ? inProcess(home, model, options) : ByzerLLM.connect(address);
    }
    return new ExampleArgs(address, model, options, client);
  }

  /**
   * The lite client: the registered ones among the models the example may call (its model, and those
   * {@code --other} and {@code --emb} name) deployed in this JVM; none registered, a client with no model
   * yet, as byzerllm's {@code SimpleByzerLLM} (the guide's first example deploys its own).
   */
  private static ByzerLLM inProcess(Path home, String model, Map<String, String> options) {
    ModelRegistry registry = ModelRegistry.at(home);
    Set<String> registered = new LinkedHashSet<>();
    registry.list().forEach(m -> registered.add(m.name()));
    Set<String> names = new LinkedHashSet<>();
    names.add(model);
    for (String option : new String[] {"other", "emb"}) {
      if (options.containsKey(option)) {
        names.add(options.get(option));
      }
    }
    names.retainAll(registered);
    return names.isEmpty() ? SimpleByzerLLM.create(model, home) : registry.getSingleLlm(String.join(",", names));
  }

  /** A client whose default model is {@link #model()}. */
  public ByzerLLM llm() {
    return client.withDefaultModel(model);
  }

  /** A client with {@code model} as its default model. */
  public ByzerLLM llm(String model) {
    return client.withDefaultModel(model);
  }

  public String option(String name, String defaultValue) {
    return options.getOrDefault(name, defaultValue);
  }
}
