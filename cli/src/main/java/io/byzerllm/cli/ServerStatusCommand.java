package io.byzerllm.cli;

import io.byzerllm.client.ClusterInfo;
import io.byzerllm.client.NodeInfo;
import io.byzerllm.server.CrashReports;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm server status}: the cluster's members and their resources, as one node sees them. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the cluster's nodes and their resources.")
final class ServerStatusCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  OutputOptions output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ClusterInfo info = cluster.client().cluster();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      out.println(Json.pretty(info));
      out.flush();
      return 0;
    }
    TextTable table = new TextTable("ADDRESS", "HTTP", "STATUS", "CPUS USED/TOTAL", "GPUS USED/TOTAL");
    for (NodeInfo n : info.nodes()) {
      String address = n.address() + (n.address().equals(info.leader()) ? " (leader)" : "");
      table.row(address, n.http(), n.status(), ratio(n.used().cpus(), n.resources().cpus()),
          ratio(n.used().gpus(), n.resources().gpus()));
    }
    table.print(out);
    printCrashReports(out, CliEnv.of(spec).home().resolve("nodes"));
    return 0;
  }

  /** Nodes of this machine that died in a JVM crash or ran out of memory left a report; say where. */
  static void printCrashReports(PrintWriter out, java.nio.file.Path nodes) {
    java.util.List<java.nio.file.Path> reports = CrashReports.find(nodes, 2);
    if (reports.isEmpty()) {
      return;
    }
    out.println();
    out.println("crash reports and heap dumps of nodes on this machine (newest first):");
    reports.stream().limit(5).forEach(r -> out.println("  " + r));
    out.flush();
  }

  static String ratio(double used, double total) {
    return number(used) + "/" + number(total);
  }

  static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
  }
}
