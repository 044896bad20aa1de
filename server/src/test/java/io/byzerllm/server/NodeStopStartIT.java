package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.byzerllm.testkit.NodeProcesses;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node JVM with a local BGE deployment stopped gracefully at awkward moments: while the model
 * loads, and again and again once it serves. Each stop must end the JVM with exit code 0 and no
 * JVM crash report (the node's JVM is told to write one into its own directory; the directory the
 * test runs in is checked too), and after each restart the deployment serves again.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NodeStopStartIT {
  private static final Duration START = Duration.ofSeconds(120);
  private static final Duration STOP = Duration.ofSeconds(150);
  private static final String BGE = "{\"model\":\"emb\",\"pretrained_model_type\":\"custom/bge\",\"num_workers\":1,"
      + "\"cpus_per_worker\":1}";
  // On ONNX Runtime for certain: the automatic engine choice may pick PyTorch, whose load logs nothing at WARN.
  private static final String BGE_ON_ONNX = BGE.replace("}", ",\"infer_backend\":\"onnx\"}");
  private static final String EMBED = "{\"model\":\"emb\",\"input\":[\"你好\"]}";

  @TempDir Path home;
  NodeProcesses nodes;
  NodeProcesses.Spec spec;

  @BeforeEach
  void setUp() throws Exception {
    nodes = new NodeProcesses(Node.JVM_OPTIONS, CrashReports::jvmOptions);
    spec = NodeProcesses.spec(home, 2);
  }

  @AfterEach
  void tearDown() {
    nodes.close();
  }

  @Test
  void stop_whileTheModelLoads_exitsZeroWithoutCrashReport() throws Exception {
    Process node = startAndAwaitHealthy();
    NodeCalls calls = new NodeCalls(spec.url());

    var deploy = calls.postAsync("/api/deployments", BGE_ON_ONNX);
    // The test log level is WARN; the first WARN of a BGE load is DJL's OnnxRuntime engine starting (no CUDA
    // here): from then on native code of the load runs.
    await().atMost(START).until(() -> log().contains("OrtEngine"));
    HttpResponse<String> stop = calls.post("/api/node/shutdown", "");

    assertThat(stop.statusCode()).as(stop.body()).isBetween(200, 299);
    assertStoppedCleanly(node);
    assertThat(deploy).isDone(); // answered or cut off by the stop, never left hanging
  }

  /** Cycles: system property byzerllm.it.stop-start-cycles (default 10; about 15-25 s each on 2 busy cores). */
  @Test
  @Tag("slow")
  void stopStart_repeatedWithBgeDeployment_noCrashAndTheDeploymentServesAfterEachStart() throws Exception {
    int cycles = Integer.getInteger("byzerllm.it.stop-start-cycles", 10);
    Process node = startAndAwaitHealthy();
    NodeCalls calls = new NodeCalls(spec.url());
    HttpResponse<String> deployed = calls.post("/api/deployments", BGE);
    assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(201);

    for (int cycle = 1; cycle <= cycles; cycle++) {
      awaitEmbeddings(calls);
      calls.post("/api/node/shutdown", "");
      assertStoppedCleanly(node);
      node = startAndAwaitHealthy();
    }
    awaitEmbeddings(calls);
    assertThat(log()).doesNotContain("SIGSEGV");
  }

  private Process startAndAwaitHealthy() throws Exception {
    Process node = nodes.start(spec, spec.clusterAddress());
    NodeCalls calls = new NodeCalls(spec.url());
    await().atMost(START).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> node.isAlive() && calls.get("/health").statusCode() == 200);
    return node;
  }

  private static void awaitEmbeddings(NodeCalls calls) {
    await().atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> calls.post("/v1/embeddings", EMBED).statusCode() == 200);
  }

  private void assertStoppedCleanly(Process node) throws Exception {
    assertThat(node.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("the node JVM exits").isTrue();
    String crash = "hs_err_pid" + node.pid() + ".log";
    assertThat(NodeProcesses.nodeDir(spec).resolve(crash)).doesNotExist();
    assertThat(Path.of(System.getProperty("user.dir"), crash)).doesNotExist();
    assertThat(node.exitValue()).as(log()).isZero();
  }

  private String log() throws Exception {
    Path log = home.resolve("node.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }
}
