package io.byzerllm.cli;

import io.byzerllm.client.ModelInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm models}: the deployed models as OpenAI's {@code /v1/models} lists them; its subcommands edit the registry. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = {"List the deployed models and what they can do.",
        "add|list|remove edit the model registry $LLM_HOME/models.json that getSingleLlm(name, LITE) reads."},
    subcommands = {ModelsAddCommand.class, ModelsListCommand.class, ModelsRemoveCommand.class})
final class ModelsCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    List<ModelInfo> models = cluster.connect().listModels();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      out.println(Json.pretty(models));
    } else if (models.isEmpty()) {
      out.println("no models deployed; deploy one with `llm deploy --model NAME ...`");
    } else {
      TextTable t = new TextTable("MODEL", "TYPE", "CAPABILITIES");
      models.forEach(m -> t.row(m.id(), m.pretrainedModelType(), String.join(",", m.capabilities())));
      t.print(out);
    }
    out.flush();
    return 0;
  }
}
