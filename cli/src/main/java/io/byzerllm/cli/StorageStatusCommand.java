package io.byzerllm.cli;

import io.byzerllm.client.StorageStores;
import io.byzerllm.client.StoreInfo;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm storage status}: the store's node, directory, tables, documents, bytes on disk and last commit. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a store's tables, documents, size and last commit.")
final class StorageStatusCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  StoreOptions store;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    StoreInfo s = StorageStores.of(cluster.client()).status(store.cluster);
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      out.println(Json.pretty(s));
    } else {
      out.println("storage " + s.cluster() + " on " + s.node() + ": " + s.tables().size() + " tables, " + s.documents()
          + " documents, " + bytes(s.bytes()) + " on disk, last commit " + (s.lastCommit() == null ? "never" : s.lastCommit()));
      out.println("data: " + s.directory());
      out.println("emb: " + (s.embOwned() ? "deployed by storage (removed by `llm storage stop`)" : "not deployed by storage"));
      TextTable t = new TextTable("TABLE", "DOCUMENTS", "BYTES");
      s.tables().forEach(tb -> t.row(tb.database() + "." + tb.table(), tb.documents(), tb.bytes()));
      t.print(out);
    }
    out.flush();
    return 0;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double kib = n / 1024.0;
    return kib < 1024 ? String.format(Locale.ROOT, "%.1f KiB", kib) : String.format(Locale.ROOT, "%.1f MiB", kib / 1024);
  }
}
