package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.byzerllm.testkit.NodeProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two node JVMs whose cluster port speaks TLS, configured exactly as the README documents. */
class ClusterTlsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "changeit-test";

  @Test
  void join_overTls_formsOneCluster(@TempDir Path dir) throws Exception {
    Path keyStore = dir.resolve("node.p12");
    keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    List<String> options = new ArrayList<>(Node.JVM_OPTIONS);
    options.addAll(List.of("-Dpekko.remote.artery.transport=tls-tcp",
        "-Dpekko.remote.artery.ssl.config-ssl-engine.key-store=" + keyStore,
        "-Dpekko.remote.artery.ssl.config-ssl-engine.trust-store=" + keyStore,
        "-Dpekko.remote.artery.ssl.config-ssl-engine.key-store-password=" + PASSWORD,
        "-Dpekko.remote.artery.ssl.config-ssl-engine.key-password=" + PASSWORD,
        "-Dpekko.remote.artery.ssl.config-ssl-engine.trust-store-password=" + PASSWORD));

    try (NodeProcesses nodes = new NodeProcesses(options)) {
      NodeProcesses.Spec head = NodeProcesses.spec(dir.resolve("a"), 1);
      NodeProcesses.Spec other = NodeProcesses.spec(dir.resolve("b"), 1);
      nodes.start(head, head.clusterAddress());
      nodes.start(other, head.clusterAddress());

      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .untilAsserted(() -> assertThat(upNodes(other.url())).isEqualTo(2));
      assertThat(Files.readString(head.home().resolve("node.log"))).doesNotContain("SSLHandshakeException");
    }
  }

  private static int upNodes(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(url + "/api/cluster")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    int up = 0;
    for (JsonNode n : JSON.readTree(r.body()).get("nodes")) {
      up += "up".equals(n.get("status").asText()) ? 1 : 0;
    }
    return up;
  }

  private static void keytool(String... args) throws Exception {
    Path bin = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new ArrayList<>(List.of(bin.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
