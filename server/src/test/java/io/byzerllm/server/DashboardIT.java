package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.HeadlessChromium;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /dashboard} in a real browser (headless Chromium) against a node with a deployment. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DashboardIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("dash-model", 2, 3);

  static final Duration SCRIPT_TIME = Duration.ofSeconds(5);
  static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void dashboard_nodeWithADeployment_showsModelWorkersAndNodeWithoutConsoleMessages() throws Exception {
    HttpResponse<String> answered = NODE.calls().post("/v1/chat/completions", chat("dash-model", "hi", false));
    HttpResponse<String> refused = NODE.calls().post("/v1/chat/completions", chat("no-such-dash-model", "hi", false));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);

    HeadlessChromium.Page page = HeadlessChromium.dumpDom(NODE.node().httpUrl() + "/dashboard", SCRIPT_TIME, BROWSER_TIMEOUT);

    assertThat(page.consoleLines()).as("the page's console").isEmpty();
    assertThat(page.dom()).contains("data-model=\"dash-model\"")
        .contains("saas/openai")
        .contains("2/2 workers ready")
        .contains("this node")
        .contains("updated ");
    // the refused call is among the recent errors, with its status
    assertThat(page.dom()).contains("no-such-dash-model").contains("/v1/chat/completions").contains(">404<")
        .doesNotContain("no error data");
  }

  @Test
  void dashboardFiles_get_servedWithAPolicyThatKeepsThePageOnTheNode() throws Exception {
    for (String path : new String[] {"/dashboard", "/dashboard/", "/dashboard/dashboard.js", "/dashboard/dashboard.css"}) {
      HttpResponse<String> r = NODE.calls().get(path);

      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(
          csp -> assertThat(csp).startsWith("default-src 'self'"));
    }
    assertThat(NODE.calls().get("/dashboard").headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/html"));
    assertThat(NODE.calls().get("/dashboard/dashboard.js").body()).contains("/api/deployments");
  }

  @Test
  void dashboardFile_unknown_404OpenAiShaped() throws Exception {
    HttpResponse<String> r = NODE.calls().get("/dashboard/secrets.txt");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(NodeCalls.json(r).at("/error/message").asText()).contains("no such endpoint");
  }
}
