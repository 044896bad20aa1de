package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;

/**
 * A local upstream on {@code 127.0.0.1} that speaks OpenAI's documented wire format: chat
 * completions (JSON and SSE), embeddings, speech, transcriptions and image generation, with
 * {@code Authorization: Bearer} auth and {@code {"error":{"message","type","param","code"}}} errors.
 *
 * <p>With nothing queued, chat answers {@code "echo: " + <last user message>}. Scripting,
 * recording and counting are {@link FakeUpstream}'s.
 */
public final class FakeOpenAiServer extends FakeUpstream<FakeOpenAiServer> {
  private volatile boolean reverseEmbeddings;

  private FakeOpenAiServer() {
    super("fake-openai");
  }

  /** Starts a server on {@code 127.0.0.1} at a port the OS picks. */
  public static FakeOpenAiServer start() {
    return new FakeOpenAiServer();
  }

  /** {@code http://127.0.0.1:PORT/v1}, what {@code saas.base_url} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  /** Embedding items come back in reverse index order (legal in the wire format; clients must sort by index). */
  public FakeOpenAiServer reverseEmbeddingOrder(boolean on) {
    reverseEmbeddings = on;
    return this;
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().endsWith("/chat/completions");
  }

  /** OpenAI's 401, whose message echoes the key received. */
  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null) {
      return true;
    }
    String auth = ex.header("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      ex.sendError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header "
          + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", Map.of());
      return false;
    }
    String received = auth.substring("Bearer ".length());
    if (!received.equals(key)) {
      ex.sendError(401, "Incorrect API key provided: " + received
          + ". You can find your API key at https://platform.openai.com/account/api-keys.", Map.of());
      return false;
    }
    return true;
  }

  @Override
  JsonNode errorBody(int status, String message) {
    return FakeExchange.error(status, message);
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    String path = ex.path();
    if (path.endsWith("/chat/completions")) {
      ChatAnswers.answer(ex, ChatAnswers.plan(ex.json(), script, reasoning(), chunkDelay()));
    } else if (path.endsWith("/embeddings")) {
      MediaAnswers.embeddings(ex, embeddingDimension(), reverseEmbeddings);
    } else if (path.endsWith("/audio/speech")) {
      MediaAnswers.speech(ex);
    } else if (path.endsWith("/audio/transcriptions")) {
      MediaAnswers.transcription(ex, ex.form());
    } else if (path.endsWith("/images/generations")) {
      MediaAnswers.images(ex);
    } else {
      ex.sendError(404, "Invalid URL (POST " + path + ")", Map.of());
    }
  }
}
