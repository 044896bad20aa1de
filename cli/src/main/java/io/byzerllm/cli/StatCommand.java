package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.DeploymentInfo;
import io.byzerllm.client.WorkerInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm stat}: every deployment's workers, where they run and how loaded they are. Secrets are masked by the node. */
@Command(name = "stat", mixinStandardHelpOptions = true, description = "Show deployments, their workers, load and latency.")
final class StatCommand implements Callable<Integer> {
  @Mixin
  ClusterOptions cluster;

  @Mixin
  OutputOptions output;

  @Option(names = "--model", paramLabel = "NAME", description = "Only this deployment (default: all).")
  String model;

  @Option(names = "--interval", defaultValue = "0", paramLabel = "SECONDS",
      description = "Repeat every SECONDS until interrupted, as a live table on a terminal (default 0: once).")
  int interval;

  @Option(names = "--count", paramLabel = "N",
      description = "With --interval: stop after N refreshes (default: until interrupted).")
  Integer count;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (interval < 0) {
      throw new IllegalArgumentException("--interval must be >= 0 seconds (got " + interval + ")");
    }
    if (count != null && count < 1) {
      throw new IllegalArgumentException("--count must be >= 1 (got " + count + ")");
    }
    ByzerLLM llm = cluster.connect();
    PrintWriter out = spec.commandLine().getOut();
    // on a terminal the table is redrawn in place; piped, each refresh follows the last under its time
    LiveScreen screen = new LiveScreen(out, CliEnv.of(spec).interactive());
    for (int shown = 1; ; shown++) {
      List<DeploymentInfo> deployments = model != null ? List.of(llm.deployment(model)) : llm.listDeployments();
      if (interval == 0 || output.json) {
        print(deployments, out);
      } else {
        StringWriter frame = new StringWriter();
        print(deployments, new PrintWriter(frame));
        screen.draw("-- " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + ", every " + interval + " s", frame.toString());
      }
      if (interval == 0 || (count != null && shown >= count)) {
        return 0;
      }
      Thread.sleep(interval * 1000L); // a refresh period the user asked for
    }
  }

  private void print(List<DeploymentInfo> deployments, PrintWriter out) {
    if (output.json) {
      out.println(Json.pretty(deployments));
    } else if (deployments.isEmpty()) {
      out.println("no models deployed; deploy one with `llm deploy --model NAME ...`");
    } else {
      for (DeploymentInfo d : deployments) {
        out.println(d.model() + " (" + d.pretrainedModelType() + "): " + d.state() + ", " + d.readyWorkers() + "/"
            + d.numWorkers() + " workers ready, concurrency " + d.workerConcurrency() + ", backend "
            + backend(d) + ", can " + String.join(", ", d.capabilities())
            + (d.fallbacks().isEmpty() ? "" : ", fallbacks " + String.join(",", d.fallbacks())));
      }
      table(deployments).print(out);
    }
    out.flush();
  }

  static TextTable table(List<DeploymentInfo> deployments) {
    TextTable t = new TextTable("MODEL", "WORKER", "NODE", "STATE", "IN_FLIGHT/PERMITS", "QUEUED", "REQUESTS",
        "ERRORS", "P50_MS", "P99_MS");
    for (DeploymentInfo d : deployments) {
      for (WorkerInfo w : d.workers()) {
        t.row(d.model(), w.index(), w.node(), w.state() + ("closed".equals(w.breaker()) ? "" : ", breaker " + w.breaker()),
            w.inFlight() + "/" + w.permits(), w.queued(), w.requests(),
            w.errors(), ms(w.p50Ms()), ms(w.p99Ms()));
      }
    }
    return t;
  }

  private static String backend(DeploymentInfo d) {
    return d.workers().stream().map(WorkerInfo::backend).findFirst()
        .map(b -> b.engine() + (b.precision().isEmpty() ? "" : " " + b.precision())
            + (b.upstreamModel().isEmpty() ? "" : ", upstream model " + b.upstreamModel())
            + (b.threads() > 0 ? ", " + b.threads() + " threads" : ""))
        .orElse("none");
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
