package io.byzerllm.cli;

import io.byzerllm.client.ByzerStorage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code llm storage import}: a table from {@code llm storage export}'s JSON lines into a store (of either backend):
 * creates the table with the exported schema (or checks it is the same), upserts the rows, commits.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Create a table from `llm storage export` output and write its rows (vectors included), then commit.")
final class StorageImportCommand implements Callable<Integer> {
  static final int BATCH = 500;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  StoreOptions store;

  @Mixin
  TableOptions table;

  @Option(names = "--input", paramLabel = "FILE", required = true, description = "The file to read ('-': standard input).")
  String input;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean stdin = input.equals("-");
    long rows = 0;
    String target;
    long size = stdin ? 0 : Files.size(Path.of(input));
    try (ProgressLine progress = ProgressLine.of(spec);
         BufferedReader in = stdin ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
      TableLines.Header h = TableLines.readHeader(in.readLine(), stdin ? "standard input" : input);
      String database = table.database != null ? table.database : h.database();
      String name = table.table != null ? table.table : h.table();
      target = store.cluster + "." + database + "." + name;
      ByzerStorage storage = ByzerStorage.connect(cluster.client(), store.cluster, database, name);
      storage.createTable(h.fields());
      List<Map<String, Object>> batch = new ArrayList<>(BATCH);
      long chars = 0; // read so far, to show how far through the file (characters, so about bytes)
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        chars += line.length() + 1;
        if (line.isBlank()) {
          continue;
        }
        batch.add(TableLines.row(line));
        if (batch.size() == BATCH) {
          rows += write(storage, batch);
          progress.show("importing into " + target + ": " + rows + " rows"
              + (size > 0 ? " (~" + Math.min(99, chars * 100 / size) + "% of " + input + ")" : ""));
        }
      }
      rows += write(storage, batch);
      progress.show("importing into " + target + ": " + rows + " rows; committing");
      storage.commit();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("imported " + rows + " rows into " + target);
    out.flush();
    return 0;
  }

  private static int write(ByzerStorage storage, List<Map<String, Object>> batch) {
    if (batch.isEmpty()) {
      return 0;
    }
    int n = storage.writeBuilder().addItems(batch, List.of(), List.of()).execute();
    batch.clear();
    return n;
  }
}
