package io.byzerllm.bench;

import io.byzerllm.server.Node;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.NodeProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A node in a JVM of its own (so that its memory is its own, readable in {@code /proc}) in front of a
 * stub OpenAI-compatible upstream in this JVM that answers after a fixed delay. Closing it kills
 * the node and stops the upstream, and removes the node's home.
 */
final class BenchNode implements AutoCloseable {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private final FakeOpenAiServer upstream;
  private final NodeProcesses processes;
  private final NodeProcesses.Spec spec;
  private final Process process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT).build();

  private BenchNode(FakeOpenAiServer upstream, NodeProcesses processes, NodeProcesses.Spec spec, Process process) {
    this.upstream = upstream;
    this.processes = processes;
    this.spec = spec;
    this.process = process;
  }

  /** Starts the upstream (answering after {@code upstreamLatency}) and the node, and waits until the node is up. */
  static BenchNode start(Duration upstreamLatency) throws Exception {
    FakeOpenAiServer upstream = FakeOpenAiServer.start().latency(upstreamLatency).recording(false);
    NodeProcesses processes = new NodeProcesses(Node.JVM_OPTIONS);
    try {
      NodeProcesses.Spec spec = NodeProcesses.spec(Files.createTempDirectory("llm-bench-node"), 4);
      Process process = processes.start(spec, spec.clusterAddress());
      BenchNode node = new BenchNode(upstream, processes, spec, process);
      node.awaitUp(Duration.ofSeconds(120));
      return node;
    } catch (Exception e) {
      processes.close();
      upstream.close();
      throw e;
    }
  }

  String url() {
    return spec.url();
  }

  long pid() {
    return process.pid();
  }

  /** The node process's resident memory now, from {@code /proc/PID/status} (VmRSS), in KiB. */
  long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/" + process.pid() + "/status (is the node still running?)");
  }

  /** Deploys a saas/openai model against the stub upstream and waits until its workers are ready. */
  void deploy(String model, int workers, int concurrency, int queueSize) throws Exception {
    String spec = """
        {"model": "%s", "pretrained_model_type": "saas/openai", "num_workers": %d, "worker_concurrency": %d,
         "cpus_per_worker": 0.01,
         "infer_params": {"saas.base_url": "%s", "saas.model": "up-model", "saas.max_retries": "0",
                          "worker.queue_size": "%d"}}""".formatted(model, workers, concurrency, upstream.baseUrl(), queueSize);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/api/deployments")).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(spec)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("deploy of " + model + " failed: " + r.statusCode() + " " + r.body());
    }
  }

  private void awaitUp(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the node exited with " + process.exitValue() + "; see " + spec.home().resolve("node.log"));
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS); // returns early if the node dies
    }
    throw new IllegalStateException("the node did not answer /health within " + within + "; see " + spec.home().resolve("node.log"));
  }

  @Override
  public void close() throws IOException {
    try {
      processes.close();
    } finally {
      upstream.close();
      try (Stream<Path> files = Files.walk(spec.home())) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
