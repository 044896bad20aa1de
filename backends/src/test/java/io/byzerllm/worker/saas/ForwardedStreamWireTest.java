package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.ModelBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A forwarded stream against a provider that writes its SSE body exactly as scripted, piece by
 * piece with a flush after each (so events arrive split across reads): keep-alives, CRLF line ends,
 * an end without {@code [DONE]}, a JSON answer to a stream request.
 */
@Timeout(60)
class ForwardedStreamWireTest {
  private HttpServer server;
  private volatile String contentType = "text/event-stream";
  private volatile List<String> pieces = List.of();
  private final List<String> frames = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        for (String piece : pieces) {
          out.write(piece.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private ChatResult stream(String... body) throws Exception {
    pieces = List.of(body);
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, "http://127.0.0.1:" + server.getAddress().getPort(),
        "saas.max_retries=0")) {
      return await(backend.forwardStream(chat(), f -> frames.add(new String(f, StandardCharsets.UTF_8))).done());
    }
  }

  private Throwable streamFailure(String... body) {
    pieces = List.of(body);
    try (ModelBackend backend = TestBackends.open(ModelType.SAAS_OPENAI, "http://127.0.0.1:" + server.getAddress().getPort(),
        "saas.max_retries=0")) {
      return failureOf(backend.forwardStream(chat(), f -> frames.add(new String(f, StandardCharsets.UTF_8))).done());
    }
  }

  private static ForwardedChat chat() {
    return new ForwardedChat("chatcmpl-ours", "mine",
        "{\"model\":\"mine\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void forwardStream_keepAlivesCrlfAndEventsSplitAcrossWrites_eventsRewrittenKeepAlivesAfterTheFirstPassed() throws Exception {
    ChatResult r = stream(": ping\r\n\r\n",
        "data: {\"id\":\"u1\",\"mo", "del\":\"up\",\"choices\":[{\"delta\":{\"content\":\"a\"},\"x_extra\":1}]}\r",
        "\n\r\n: keep-alive\r\n\r\ndata: {\"id\":\"u1\",\"model\":\"up\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "\r\n\r\ndata: [DONE]\r\n\r\n");

    assertThat(frames).containsExactly(
        "data: {\"id\":\"chatcmpl-ours\",\"model\":\"mine\",\"choices\":[{\"delta\":{\"content\":\"a\"},\"x_extra\":1}]}\n\n",
        ": keep-alive\r\n\n",
        "data: {\"id\":\"chatcmpl-ours\",\"model\":\"mine\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.upstreamModel()).isEqualTo("up");
  }

  @Test
  void forwardStream_endsAfterTheFinishReasonWithoutDone_completes() throws Exception {
    ChatResult r = stream("data: {\"id\":\"u\",\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\n");

    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(frames).hasSize(1);
  }

  @Test
  void forwardStream_endsBeforeAFinishReason_failsSayingItEndedEarly() {
    Throwable failure = streamFailure("data: {\"id\":\"u\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");

    assertThat(failure.getMessage()).contains("ended the stream before it finished");
  }

  @Test
  void forwardStream_providerAnswersJsonToAStreamRequest_oneChunkWithAllOfItThenDone() throws Exception {
    contentType = "application/json";

    ChatResult r = stream("{\"id\":\"u\",\"object\":\"chat.completion\",\"model\":\"up\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"whole answer\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");

    assertThat(frames).hasSize(1);
    assertThat(frames.get(0)).startsWith("data: {").contains("\"id\":\"chatcmpl-ours\"").contains("\"model\":\"mine\"")
        .contains("\"content\":\"whole answer\"").contains("\"finish_reason\":\"stop\"").endsWith("}\n\n");
    assertThat(r.usage().completionTokens()).isEqualTo(2);
  }
}
