package io.byzerllm.cli;

import io.byzerllm.client.ByzerStorage;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code llm storage export}: a table as JSON lines (schema first, then every row with its vectors). */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a table (schema and every row, vectors included) as JSON lines, for `llm storage import`.")
final class StorageExportCommand implements Callable<Integer> {
  static final int PAGE = 1000;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  StoreOptions store;

  @Mixin
  TableOptions table;

  @Option(names = "--output", paramLabel = "FILE", required = true, description = "The file to write ('-': standard output).")
  String output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (table.database == null || table.table == null) {
      throw new IllegalArgumentException("export needs --database and --table");
    }
    ByzerStorage storage = ByzerStorage.connect(cluster.client(), store.cluster, table.database, table.table);
    long rows = 0;
    boolean stdout = output.equals("-");
    try (Writer w = stdout ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
        : Files.newBufferedWriter(Path.of(output), StandardCharsets.UTF_8)) {
      var out = new BufferedWriter(w);
      out.write(TableLines.header(new TableLines.Header(table.database, table.table, storage.fields())));
      out.newLine();
      String after = null;
      do {
        ByzerStorage.RowPage page = storage.exportPage(after, PAGE);
        for (var row : page.rows()) {
          out.write(TableLines.JSON.writeValueAsString(row));
          out.newLine();
          rows++;
        }
        after = page.next();
      } while (after != null);
      out.flush();
    }
    PrintWriter msg = stdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
    msg.println("exported " + rows + " rows of " + store.cluster + "." + table.database + "." + table.table
        + (stdout ? "" : " to " + output));
    msg.flush();
    return 0;
  }
}
