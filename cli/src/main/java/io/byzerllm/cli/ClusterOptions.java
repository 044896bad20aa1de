package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which node a command talks to: {@code --address} (byzerllm's {@code --ray_address} is an alias),
 * else {@code LLM_ADDRESS}, else {@code http://127.0.0.1:8000}; and the node's API key
 * ({@code --api_key}, else {@code LLM_API_KEY}). With no address given anywhere and no node at the
 * default one, {@link #connect()} first starts a local node in the background, as byzerllm's
 * {@code ray.init()} starts a local Ray.
 */
final class ClusterOptions {
  @Option(names = {"--address", "--ray_address", "--ray-address"}, paramLabel = "URL",
      description = "The node to talk to (env LLM_ADDRESS; default " + CliEnv.DEFAULT_ADDRESS + ").")
  String address;

  @Option(names = {"--api_key", "--api-key"}, paramLabel = "KEY",
      description = "The node's API key, when it has one (env LLM_API_KEY).")
  String apiKey;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** True when the user chose the node (flag or LLM_ADDRESS); then nothing is started for them. */
  boolean explicit() {
    return address != null || env().get("LLM_ADDRESS") != null;
  }

  String resolvedAddress() {
    if (address != null) {
      return address;
    }
    String fromEnv = env().get("LLM_ADDRESS");
    return fromEnv != null ? fromEnv : CliEnv.DEFAULT_ADDRESS;
  }

  /** A client of the chosen node, no node check. */
  ByzerLLM client() {
    String key = apiKey != null ? apiKey : env().get("LLM_API_KEY");
    return ByzerLLM.connect(resolvedAddress()).withApiKey(key);
  }

  /** A client of a node that answers, starting a local one first when none was chosen and none runs. */
  ByzerLLM connect() {
    ByzerLLM llm = client();
    if (!explicit() && !llm.withTimeout(Duration.ofSeconds(3)).health()) {
      BackgroundNode.startDefault(env(), mixee.commandLine().getErr());
    }
    return llm;
  }

  private CliEnv env() {
    return CliEnv.of(mixee);
  }
}
