package io.byzerllm.examples;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Guide: "纯客户端启动和管理模型" — deploy a SaaS model from a program. The API key comes from
 * {@code --api_key}, else the file {@code ~/.auto-coder/keys/api.deepseek.com} as in the guide;
 * {@code --base_url} and {@code --saas_model} default to DeepSeek's.
 */
public final class DeployModel {
  private DeployModel() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    ByzerLLM llm = args.llm();
    if (llm.isModelExist(args.model())) {
      out.println("Model " + args.model() + " already deployed");
      return;
    }
    ModelSpec spec = ModelSpec.of(args.model(), ModelType.SAAS_OPENAI, Map.of(
        "saas.base_url", args.option("base_url", "https://api.deepseek.com/v1"),
        "saas.api_key", apiKey(args),
        "saas.model", args.option("saas_model", "deepseek-chat")));
    DeploymentInfo info = llm.deploy(spec);
    out.println("Model " + info.model() + " deployed successfully");
  }

  private static String apiKey(ExampleArgs args) {
    String given = args.option("api_key", null);
    if (given != null) {
      return given;
    }
    Path file = Path.of(System.getProperty("user.home"), ".auto-coder", "keys", "api.deepseek.com");
    if (!Files.exists(file)) {
      throw new IllegalStateException("API key file not found: " + file + " (or pass --api_key)");
    }
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
