package io.byzerllm.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AccessLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void offer_pastTheFileSize_rotatesAndKeepsAtMostMaxFiles() throws Exception {
    Path file = dir.resolve("logs/access.log");
    AccessLog log = new AccessLog(file, 600, 2, 1024, Duration.ofMillis(20));
    try {
      for (int i = 0; i < 40; i++) {
        log.offer(line(i));
      }
    } finally {
      log.close(); // writes what is queued, then stops
    }

    assertThat(Files.exists(file)).isTrue();
    assertThat(Files.exists(Path.of(file + ".1"))).isTrue();
    assertThat(Files.exists(Path.of(file + ".2"))).isTrue();
    assertThat(Files.exists(Path.of(file + ".3"))).isFalse();
    List<String> newest = Files.readAllLines(file);
    JsonNode last = JSON.readTree(newest.get(newest.size() - 1));
    assertThat(last.path("status").asInt()).isEqualTo(200);
    assertThat(last.path("prompt_tokens").asInt()).isEqualTo(39);
    assertThat(last.path("latency_ms").asDouble()).isEqualTo(1.5);
    assertThat(last.path("key_id").asText()).isEqualTo("bootstrap");
    assertThat(Files.size(Path.of(file + ".1"))).isGreaterThanOrEqualTo(600);
    assertThat(log.dropped()).isZero();
  }

  @Test
  void offer_writerKeepsUp_lineIsOnDiskWithoutClose() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = new AccessLog(file, 1 << 20, 3, 16, Duration.ofMillis(20));
    try {
      log.offer(line(7));

      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readString(file).contains("\"prompt_tokens\":7"));
    } finally {
      log.close();
    }
  }

  private static AccessLog.Line line(int i) {
    return new AccessLog.Line(1_700_000_000_000L + i, "m", "/v1/chat/completions", 200, 1500, 0, 1200, i, 3, "bootstrap");
  }
}
