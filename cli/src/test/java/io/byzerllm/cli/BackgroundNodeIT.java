package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm server start --daemon} when the background node cannot start: the reason reaches the user. */
class BackgroundNodeIT {

  @Test
  void serverStartDaemon_clusterPortTaken_failsWithTheNodesReasonAndLog(@TempDir Path home) throws IOException {
    int port = LlmCommandIT.freePort();
    Path pidFile = home.resolve("nodes/127.0.0.1_" + port + "/node.pid");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun r = CliRun.llm(Map.of("LLM_HOME", home.toString()), "server", "start", "--daemon",
          "--port", String.valueOf(port), "--cluster_port", String.valueOf(taken.getLocalPort()));

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err().lines()).singleElement().satisfies(l -> assertThat(l)
          .startsWith("error: the background node exited (code 1) before it answered: a port of this node is already in use")
          .contains("--cluster_port " + taken.getLocalPort(), home.resolve("nodes/127.0.0.1_" + port + "/node.log").toString()));
    } finally {
      if (Files.exists(pidFile)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(p -> {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        });
      }
    }
  }

  @Test
  void serverStartDaemon_portZero_usageErrorAskingForFixedPorts(@TempDir Path home) {
    CliRun r = CliRun.llm(Map.of("LLM_HOME", home.toString()), "server", "start", "--daemon", "--port", "0");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --daemon needs fixed ports");
  }
}
