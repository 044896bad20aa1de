package io.byzerllm.server;

import io.byzerllm.testkit.FakeOpenAiServer;

import static io.byzerllm.server.NodeCalls.content;
import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code saas/filelogger} through a node: no upstream at all; each chat becomes a line of its log file. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FileLoggerIT {
  private static final Path LOG = logFile();
  // filelogger sends nothing upstream: the fake only gives the node extension something to start
  @RegisterExtension static final ProviderNode<FakeOpenAiServer> NODE = ProviderNode.of(FakeOpenAiServer::start)
      .deploying(u -> NodeCalls.saasDeployment("logger", "saas/filelogger", null, 1, 4, Map.of("saas.log_file", LOG.toString())));

  private static Path logFile() {
    try {
      return Files.createTempDirectory("filelogger-it").resolve("requests.jsonl");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void removeLog() throws Exception {
    Files.deleteIfExists(LOG);
    Files.deleteIfExists(LOG.getParent());
  }

  @Test
  void chatThenStream_bothAnswerTheFixedTextAndEachAppendsItsMessages() throws Exception {
    long before = Files.exists(LOG) ? Files.readAllLines(LOG).size() : 0;

    HttpResponse<String> chat = NODE.calls().post("/v1/chat/completions", NodeCalls.chat("logger", "第一", false));
    HttpResponse<String> stream = NODE.calls().post("/v1/chat/completions", NodeCalls.chat("logger", "second", true));

    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    assertThat(content(chat)).isEqualTo("Messages logged successfully");
    assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
    assertThat(content(stream)).isEqualTo("Messages logged successfully");
    assertThat(NodeCalls.sseData(stream.body()).size()).isGreaterThan("Messages logged successfully".length());
    List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
    assertThat(lines).hasSize((int) before + 2);
    assertThat(lines.get(lines.size() - 2)).isEqualTo("[{\"role\":\"user\",\"content\":\"第一\"}]");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("[{\"role\":\"user\",\"content\":\"second\"}]");
  }

  @Test
  void embeddings_onTheFileLogger_400NamingChatAndStream() throws Exception {
    HttpResponse<String> r = NODE.calls().post("/v1/embeddings", "{\"model\": \"logger\", \"input\": \"x\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).contains("cannot do embedding").contains("it can do chat, stream");
  }
}
