package io.byzerllm.worker.saas;

import static io.byzerllm.worker.saas.TestBackends.await;
import static io.byzerllm.worker.saas.TestBackends.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatOptions;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileLoggerBackendTest {
  @TempDir Path home;
  private final ExecutorService blocking = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    blocking.shutdownNow();
  }

  private ModelBackend open(Map<String, String> params) {
    return new SaasBackendFactory().open(new BackendContext(ModelSpec.of("fl", ModelType.SAAS_FILELOGGER, params), 0,
        home, 1, List.of(), blocking));
  }

  private static ChatCall conversation(String id) {
    return new ChatCall(id, List.of(ChatMessage.of("system", "be brief"), ChatMessage.of("user", "你好 " + id)),
        ChatOptions.DEFAULTS);
  }

  @Test
  void chat_twoCalls_eachAppendsItsMessagesAsOneJsonLineAndAnswersTheFixedText() throws Exception {
    try (ModelBackend backend = open(Map.of("saas.log_file", "logs/requests.jsonl"))) {

      ChatResult first = await(backend.chat(conversation("a")));
      ChatResult second = await(backend.chat(conversation("b")));

      assertThat(first.content()).isEqualTo("Messages logged successfully");
      assertThat(second.finishReason()).isEqualTo("stop");
      List<String> lines = Files.readAllLines(home.resolve("logs/requests.jsonl"), StandardCharsets.UTF_8);
      assertThat(lines).hasSize(2);
      JsonNode line = SaasJson.MAPPER.readTree(lines.get(1));
      assertThat(line.toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"be brief\"},"
          + "{\"role\":\"user\",\"content\":\"你好 b\"}]");
    }
  }

  @Test
  void stream_call_oneCharacterADeltaThenStopAndTheLineWritten() throws Exception {
    Path file = home.resolve("stream.json");
    try (ModelBackend backend = open(Map.of("saas.log_file", file.toString()))) {
      List<ChatDelta> deltas = Collections.synchronizedList(new ArrayList<>());

      StreamHandle h = backend.stream(conversation("s"), deltas::add);
      ChatResult done = await(h.done());

      StringBuilder text = new StringBuilder();
      deltas.stream().filter(d -> d.content() != null).forEach(d -> text.append(d.content()));
      assertThat(text.toString()).isEqualTo(FileLoggerBackend.ANSWER);
      assertThat(deltas).hasSize(FileLoggerBackend.ANSWER.length() + 1);
      assertThat(deltas.get(deltas.size() - 1).finishReason()).isEqualTo("stop");
      assertThat(done.content()).isEqualTo(FileLoggerBackend.ANSWER);
      assertThat(Files.readAllLines(file)).hasSize(1);
    }
  }

  @Test
  void stream_cancelledAfterTheFirstDelta_endsWithCancellationAndNoDeltaAfterIt() throws Exception {
    try (ModelBackend backend = open(Map.of())) {
      List<ChatDelta> deltas = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Runnable> cancel = new CompletableFuture<>();

      StreamHandle h = backend.stream(conversation("x"), d -> {
        deltas.add(d);
        cancel.join().run(); // the caller goes away as soon as it has seen a delta
      });
      cancel.complete(h.cancel());
      Throwable t = catchThrowable(() -> h.done().toCompletableFuture().get(20, TimeUnit.SECONDS));

      assertThat(t).isInstanceOf(java.util.concurrent.CancellationException.class);
      assertThat(deltas).hasSize(1);
    }
  }

  @Test
  void chat_manyConcurrentCalls_linesNeverInterleave() throws Exception {
    try (ModelBackend a = open(Map.of()); ModelBackend b = open(Map.of())) {
      List<CompletableFuture<ChatResult>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add((i % 2 == 0 ? a : b).chat(conversation("c" + i)).toCompletableFuture());
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

      List<String> lines = Files.readAllLines(home.resolve("filelogger.json"), StandardCharsets.UTF_8);
      assertThat(lines).hasSize(40);
      for (String l : lines) {
        assertThat(SaasJson.MAPPER.readTree(l).size()).isEqualTo(2);
      }
    }
  }

  @Test
  void embed_onTheFileLogger_invalidRequestNamingChatAndStream() throws Exception {
    try (ModelBackend backend = open(Map.of())) {

      Throwable t = failureOf(backend.embed(EmbeddingCall.of(List.of("x"))));

      assertThat(t.getMessage()).contains("embedding");
      assertThat(backend.capabilities()).containsExactlyInAnyOrder(io.byzerllm.deploy.Capability.CHAT,
          io.byzerllm.deploy.Capability.STREAM);
    }
  }

  @Test
  void open_logFileUnderAFile_failsNamingTheParam() throws Exception {
    Files.writeString(home.resolve("plain"), "x");

    Throwable t = catchThrowable(() -> open(Map.of("saas.log_file", "plain/sub/log.json")));

    assertThat(t).isInstanceOf(InvalidSpecException.class).hasMessageContaining("saas.log_file 'plain/sub/log.json'");
  }
}
