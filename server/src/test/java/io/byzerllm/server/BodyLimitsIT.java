package io.byzerllm.server;

import static io.byzerllm.server.NodeCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Request bodies over their route's limit (reference.conf: JSON 8 MiB, uploads 32 MiB) are a 413
 * in OpenAI's shape and never reach the provider; bodies under it pass.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BodyLimitsIT {
  @RegisterExtension static final SaasNode NODE = SaasNode.deploying("m1", 1, 2);
  private static final int MIB = 1024 * 1024;

  @Test
  void chat_20MBBodyWithContentLength_413OpenAiShapedAndNothingUpstream() throws Exception {
    int before = NODE.upstream().requestCount();

    HttpResponse<String> r = post("/v1/chat/completions", HttpRequest.BodyPublishers.ofString(chatOf(20_000_000)));

    assertTooLarge(r, "8 MiB");
    assertThat(json(r).at("/error/message").asText()).contains("/v1/chat/completions");
    assertThat(NODE.upstream().requestCount()).isEqualTo(before);
  }

  @Test
  void chat_contentLengthOverTheLimitAndNoBodyYet_413WithoutWaitingForTheBody() throws Exception {
    URI address = URI.create(NODE.node().httpUrl());
    try (Socket socket = new Socket(address.getHost(), address.getPort())) {
      socket.setSoTimeout(10_000); // a node that waited for the 20 MB would leave this read to time out
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + address.getHost() + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{\"model\": ").getBytes(StandardCharsets.US_ASCII));
      out.flush();

      String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();

      assertThat(statusLine).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void chat_bodyOverTheLimitSentWhole_413AndTheConnectionServesTheNextRequest() throws Exception {
    // Answered before the body was read, the connection would close under the writer, and a reset can
    // beat the 413 to the caller; read and dropped, the body leaves the connection usable.
    URI address = URI.create(NODE.node().httpUrl());
    byte[] body = chatOf(9 * MIB).getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(address.getHost(), address.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + address.getHost() + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.write(("GET /health HTTP/1.1\r\nHost: " + address.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      java.io.InputStream in = socket.getInputStream();

      String first = statusLineSkippingTheAnswer(in);
      String second = statusLineSkippingTheAnswer(in);

      assertThat(first).startsWith("HTTP/1.1 413");
      assertThat(second).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void chat_chunkedBodyPastTheLimit_413() throws Exception {
    byte[] body = chatOf(9 * MIB).getBytes(StandardCharsets.UTF_8);

    // a publisher of unknown length: the JDK sends it chunked, so no Content-Length tells the node in advance
    HttpResponse<String> r = post("/v1/chat/completions",
        HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

    assertTooLarge(r, "8 MiB");
  }

  @Test
  void embeddings_9MiBBody_413() throws Exception {
    String body = "{\"model\": \"m1\", \"input\": \"" + "x".repeat(9 * MIB) + "\"}";

    HttpResponse<String> r = post("/v1/embeddings", HttpRequest.BodyPublishers.ofString(body));

    assertTooLarge(r, "8 MiB");
  }

  @Test
  void chat_2MBPrompt_answered() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", HttpRequest.BodyPublishers.ofString(chatOf(2_000_000)));

    assertThat(r.statusCode()).as(r.body().substring(0, Math.min(300, r.body().length()))).isEqualTo(200);
    assertThat(json(r).at("/choices/0/message/content").asText()).hasSize("echo: ".length() + 2_000_000);
  }

  @Test
  void transcription_9MiBUpload_overTheJsonLimitButUnderTheUploadLimit_reachesTheProvider() throws Exception {
    String boundary = "byzerllm-limits-it-boundary";
    byte[] audio = new byte[9 * MIB];
    Arrays.fill(audio, (byte) 'a');
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nm1\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"long.wav\"\r\n"
        + "Content-Type: audio/wav\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    form.writeBytes(audio);
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> r = NODE.calls().send(NODE.calls().request("/v1/audio/transcriptions").timeout(Duration.ofSeconds(60))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).path("text").asText()).isEqualTo("heard " + audio.length + " bytes");
  }

  private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
    return NODE.calls().send(NODE.calls().request(path).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .POST(body), HttpResponse.BodyHandlers.ofString());
  }

  /** Reads one answer off a raw connection (headers, then a Content-Length body) and returns its status line. */
  private static String statusLineSkippingTheAnswer(java.io.InputStream in) throws Exception {
    String status = line(in);
    int length = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(header.substring("content-length:".length()).trim());
      }
    }
    assertThat(in.readNBytes(length)).hasSize(length);
    return status;
  }

  private static String line(java.io.InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      assertThat(c).as("the connection ended in the middle of an answer: " + line).isNotEqualTo(-1);
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  private static String chatOf(int promptChars) {
    return "{\"model\": \"m1\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(promptChars) + "\"}]}";
  }

  private static void assertTooLarge(HttpResponse<String> r, String limit) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
    JsonNode error = json(r).path("error");
    assertThat(error.path("type").asText()).isEqualTo("request_too_large");
    assertThat(error.path("code").asText()).isEqualTo("413");
    assertThat(error.path("message").asText()).contains(limit).contains("byzerllm.server.body-limits");
  }
}
