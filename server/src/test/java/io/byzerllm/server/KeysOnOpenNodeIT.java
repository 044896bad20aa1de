package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node without --api_key takes every request, so it refuses to issue keys that would limit nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeysOnOpenNodeIT {
  @RegisterExtension
  static final SaasNode NODE = SaasNode.deploying("chat", 1, 2);

  @Test
  void createKey_nodeWithoutApiKey_400NamingTheFlag() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/api/keys", "{\"rpm\": 10}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("--api_key");
    assertThat(json(NODE.calls().get("/api/keys")).path("keys")).isEmpty();
  }

  @Test
  void chat_anyOrNoBearerOnOpenNode_served() throws Exception {
    HttpResponse<String> anonymous = NODE.calls().post("/v1/chat/completions", chat("chat", "hi", false));
    HttpResponse<String> withSomeKey = NODE.calls().withBearer("llm-0011223344556677-whatever")
        .post("/v1/chat/completions", chat("chat", "hi", false));

    assertThat(anonymous.statusCode()).isEqualTo(200);
    assertThat(withSomeKey.statusCode()).isEqualTo(200);
    assertThat(anonymous.headers().firstValue("x-ratelimit-remaining-requests")).isEmpty();
  }
}
