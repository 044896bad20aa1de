package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.chat;
import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.testkit.FakeZhipuServer;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** saas/zhipu through a node: chat, stream and embeddings with a JWT from the id.secret key, and Zhipu's coded errors. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ZhipuIT {
  private static final String ID = "9d1c3b5a7e2f4a6c";
  private static final String KEY = ID + ".S3cretHalfOfTheZhipuKey";
  @RegisterExtension static final ProviderNode<FakeZhipuServer> NODE =
      ProviderNode.of(() -> FakeZhipuServer.start().requireApiKey(KEY).embeddingDimension(5))
          .deploying(u -> ProviderNode.deployment("glm", "saas/zhipu", 1, 4, Map.of("saas.api_key", KEY,
              "saas.base_url", u.baseUrl(), "saas.model", "glm-4-plus", "saas.max_retries", "0")))
          .deploying(u -> ProviderNode.deployment("glm_emb", "saas/zhipu", 1, 4, Map.of("saas.api_key", KEY,
              "saas.base_url", u.baseUrl(), "saas.model", "embedding-3")));

  @Test
  void chat_zhipu_answersWithASignedToken() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("glm", "你好 智谱", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(content(r)).isEqualTo("echo: 你好 智谱");
    assertThat(json(r).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(NODE.upstream().lastRequest().path()).isEqualTo("/api/paas/v4/chat/completions");
    assertThat(NODE.upstream().lastRequest().header("Authorization")).startsWith("Bearer ").doesNotContain("S3cret");
  }

  @Test
  void stream_zhipu_chunksUsageFinishAndDone() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", """
        {"model": "glm", "stream": true, "stream_options": {"include_usage": true},
         "messages": [{"role": "user", "content": "stream from zhipu"}]}""");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    SseAnswer a = SseAnswer.of(r);
    assertThat(a.content()).isEqualTo("echo: stream from zhipu");
    assertThat(a.finishReason()).isEqualTo("stop");
    assertThat(a.usage().path("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(a.usage().path("completion_tokens").asInt()).isEqualTo(4);
    assertThat(a.done()).isTrue();
  }

  @Test
  void embeddings_zhipuEmbeddingModel_vectorsInOrder() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"glm_emb\", \"input\": [\"甲\", \"乙\"]}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("data").findValuesAsText("index")).containsExactly("0", "1");
    assertThat(json(r).at("/data/0/embedding").size()).isEqualTo(5);
    assertThat(NODE.upstream().lastRequest().json().path("model").asText()).isEqualTo("embedding-3");
  }

  @Test
  void chat_sensitiveContent_400WithZhipusCode() throws Exception {
    NODE.upstream().failNextWithCode(400, "1301", "系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的提示语，感谢您的配合。");

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("glm", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("1301: 系统检测到输入或生成内容可能包含不安全或敏感内容");
  }

  @Test
  void chat_rateLimited_429WithoutTheKey() throws Exception {
    NODE.upstream().failNext(429, "当前API请求过多，请稍后重试。", Map.of("Retry-After", "1"));

    HttpResponse<String> r = NODE.calls().post("/v1/chat/completions", chat("glm", "hi", false));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(json(r).at("/error/message").asText()).contains("1302: 当前API请求过多");
    assertThat(r.body()).doesNotContain(KEY).doesNotContain("S3cret");
  }
}
