package io.byzerllm.cli;

import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.lite.RegisteredModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm models list}: the registry's models (not the deployed ones: that is {@code llm models}). */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the registry $LLM_HOME/models.json (the deployed models: `llm models`).")
final class ModelsListCommand implements Callable<Integer> {
  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ModelRegistry registry = ModelRegistry.at(CliEnv.of(spec).home());
    List<RegisteredModel> models = registry.list();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      out.println(Json.pretty(models));
    } else if (models.isEmpty()) {
      out.println("the registry " + registry.file() + " holds no models; add one with `llm models add --name ...`");
    } else {
      out.println("registry: " + registry.file());
      TextTable t = new TextTable("NAME", "TYPE", "MODEL_NAME", "BASE_URL", "KEY");
      models.forEach(m -> t.row(m.name(), m.modelType(), m.modelName(), m.baseUrl(), keyState(registry, m)));
      t.print(out);
    }
    out.flush();
    return 0;
  }

  /** Whether the key file is there, never the key. */
  private static String keyState(ModelRegistry registry, RegisteredModel m) {
    if (m.apiKeyPath() == null) {
      return "-";
    }
    return m.apiKeyPath() + (Files.isRegularFile(registry.keysDir().resolve(m.apiKeyPath())) ? "" : " (missing)");
  }
}
