package io.byzerllm.cli;

import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.lite.RegisteredModel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm models add}: registers a model (and its key, owner-only) in {@code $LLM_HOME/models.json}. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Add a model to the registry $LLM_HOME/models.json (or replace the entry of that name).")
final class ModelsAddCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, description = "The name programs ask for, e.g. v3_chat.")
  String name;

  @Option(names = {"--model_name", "--model-name"}, description = "The provider's model, e.g. deepseek-chat "
      + "(custom/bge: the model path; empty for the bundled weights).")
  String modelName;

  @Option(names = {"--model_type", "--model-type"}, defaultValue = "saas/openai",
      description = "The pretrained_model_type (default: ${DEFAULT-VALUE}).")
  String modelType;

  @Option(names = {"--base_url", "--base-url"}, description = "The provider's base URL, e.g. https://api.deepseek.com/v1.")
  String baseUrl;

  @Option(names = {"--api_key_path", "--api-key-path"},
      description = "The key's file name under $LLM_HOME/keys, e.g. api.deepseek.com.")
  String apiKeyPath;

  @Option(names = {"--api_key", "--api-key"}, description = "The provider's API key, written to the key file "
      + "(mode 0600, directory 0700); never printed.")
  String apiKey;

  @Option(names = {"--is_reasoning", "--is-reasoning"}, description = "A reasoning model (no temperature/top_p).")
  boolean isReasoning;

  @Option(names = {"--max_output_tokens", "--max-output-tokens"}, description = "Sent as max_tokens on each chat.")
  Integer maxOutputTokens;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ModelRegistry registry = ModelRegistry.at(CliEnv.of(spec).home());
    RegisteredModel model = new RegisteredModel(name, modelName, modelType, baseUrl, apiKeyPath, isReasoning,
        maxOutputTokens);
    registry.add(model, apiKey);
    PrintWriter out = spec.commandLine().getOut();
    out.println("registered " + model.name() + " (" + model.modelType() + (model.modelName().isEmpty() ? ""
        : ", " + model.modelName()) + ") in " + registry.file());
    if (apiKey != null && !apiKey.isBlank()) {
      out.println("its key is in " + registry.keysDir().resolve(model.apiKeyPath()) + " (owner-only)");
    }
    out.flush();
    return 0;
  }
}
