package io.byzerllm.cli;

import io.byzerllm.client.KeyInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm keys list}: key ids, roles, limits and this minute's usage; never a key. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the issued keys (ids, never the keys).")
final class KeysListCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    List<KeyInfo> keys = cluster.client().listKeys();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      out.println(Json.pretty(keys));
    } else if (keys.isEmpty()) {
      out.println("no keys issued; create one with `llm keys create`");
    } else {
      TextTable t = new TextTable("ID", "NAME", "ROLE", "MODELS", "RPM", "TPM", "MAX_CONCURRENT", "IN_FLIGHT",
          "REQUESTS/MIN", "TOKENS/MIN");
      keys.forEach(k -> t.row(k.id(), k.name(), k.role(), k.models().isEmpty() ? "*" : String.join(",", k.models()),
          limit(k.rpm()), limit(k.tpm()), limit(k.maxConcurrent()), k.usage().inFlight(), k.usage().requests(),
          k.usage().tokens()));
      t.print(out);
    }
    out.flush();
    return 0;
  }

  private static String limit(long n) {
    return n == 0 ? "-" : Long.toString(n);
  }
}
