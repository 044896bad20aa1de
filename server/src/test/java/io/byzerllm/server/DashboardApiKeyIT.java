package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.HeadlessChromium;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node with an API key serves the dashboard's files, but its data only with the key, which the page asks for. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardApiKeyIT {
  private static final String NODE_KEY = "dash-node-key-7f3a";
  @TempDir static Path home;
  static Node node;

  @BeforeAll
  static void start() {
    node = Node.start(NodeSettings.ephemeral(home).withApiKey(NODE_KEY));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void dashboard_noKeyEntered_asksForTheKeyWithoutConsoleMessages() throws Exception {
    HeadlessChromium.Page page = HeadlessChromium.dumpDom(node.httpUrl() + "/dashboard", Duration.ofSeconds(5),
        Duration.ofSeconds(90));

    assertThat(page.consoleLines()).as("the page's console").isEmpty();
    assertThat(page.dom()).contains("this node needs an API key").doesNotContain(NODE_KEY);
  }

  @Test
  void dashboardData_noKey_401() throws Exception {
    NodeCalls anonymous = new NodeCalls(node.httpUrl());

    assertThat(anonymous.get("/dashboard").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/api/deployments").statusCode()).isEqualTo(401);
    assertThat(anonymous.withBearer(NODE_KEY).get("/api/deployments").statusCode()).isEqualTo(200);
  }
}
