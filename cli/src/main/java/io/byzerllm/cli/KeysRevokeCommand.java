package io.byzerllm.cli;

import io.byzerllm.client.RevokedKey;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code llm keys revoke ID}: every node refuses the key once this answers (idempotent). */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key on every node.")
final class KeysRevokeCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "ID", description = "The key's id, as 'llm keys list' shows it.")
  String id;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    RevokedKey revoked = cluster.client().revokeKey(id);
    PrintWriter out = spec.commandLine().getOut();
    if (!revoked.existed()) {
      out.println("no key " + id + "; nothing to revoke");
    } else if (revoked.replicated()) {
      out.println("revoked " + id + " on every node");
    } else {
      out.println("revoked " + id + "; not every node confirmed in time, the rest follow within seconds");
    }
    out.flush();
    return 0;
  }
}
