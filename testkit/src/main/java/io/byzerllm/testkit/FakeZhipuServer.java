package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local Zhipu open platform ({@code open.bigmodel.cn/api/paas/v4}) on {@code 127.0.0.1}, as Zhipu
 * documents it: {@code /chat/completions} (JSON, or SSE chunks whose last one carries the finish
 * reason and the usage, then {@code [DONE]}) and {@code /embeddings}, OpenAI-shaped bodies, and
 * {@code Authorization: Bearer <JWT>}: the token must be HS256-signed with the secret of the
 * {@code id.secret} key, header {@code {"alg":"HS256","sign_type":"SIGN"}}, payload {@code api_key}
 * (the id), {@code exp} and {@code timestamp} in milliseconds, not expired. Errors are
 * {@code {"error":{"code":"1002","message":...}}} with Zhipu's numeric codes. Function calls are
 * OpenAI's {@code tools}/{@code tool_calls}.
 */
public final class FakeZhipuServer extends FakeUpstream<FakeZhipuServer> {
  private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();

  private FakeZhipuServer() {
    super("fake-zhipu");
  }

  public static FakeZhipuServer start() {
    return new FakeZhipuServer();
  }

  /** {@code http://127.0.0.1:PORT/api/paas/v4}, what {@code saas.base_url} should be. */
  @Override
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/api/paas/v4";
  }

  /** How many different valid tokens requests have carried (a client that caches its token sends one). */
  public int distinctTokens() {
    return tokensSeen.size();
  }

  /** The next request gets this status and Zhipu's error body with this code (e.g. 429 and {@code 1113}, in arrears). */
  public FakeZhipuServer failNextWithCode(int status, String code, String message) {
    return failNextWithBody(status, zhipuError(code, message), Map.of());
  }

  @Override
  boolean isChat(FakeExchange ex) {
    return ex.path().endsWith("/chat/completions");
  }

  @Override
  boolean authorized(FakeExchange ex) throws IOException {
    String key = requiredApiKey();
    if (key == null) {
      return true;
    }
    String auth = ex.header("Authorization");
    if (auth == null || !auth.startsWith("Bearer ")) {
      ex.sendJson(401, zhipuError("1001", "Header中未收到Authorization参数，无法进行身份验证。"), Map.of());
      return false;
    }
    String problem = tokenProblem(auth.substring("Bearer ".length()), key);
    if (problem != null) {
      ex.sendJson(401, zhipuError(problem.equals("expired") ? "1003" : "1002",
          problem.equals("expired") ? "Authorization Token已过期。" : "Authorization Token非法，请确认Authorization Token正确传递。"),
          Map.of());
      return false;
    }
    tokensSeen.add(auth);
    return true;
  }

  /** Why a token is not one this key makes, or null when it is. */
  private static String tokenProblem(String token, String apiKey) {
    String[] parts = token.split("\\.", -1);
    int dot = apiKey.indexOf('.');
    if (parts.length != 3 || dot < 0) {
      return "not a JWT";
    }
    try {
      JsonNode header = FakeExchange.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      JsonNode payload = FakeExchange.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      if (!"HS256".equals(header.path("alg").asText()) || !"SIGN".equals(header.path("sign_type").asText())) {
        return "header";
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(apiKey.substring(dot + 1).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))) {
        return "signature";
      }
      long now = System.currentTimeMillis();
      if (!apiKey.substring(0, dot).equals(payload.path("api_key").asText())
          || !payload.path("timestamp").canConvertToLong() || payload.path("timestamp").asLong() > now + 60_000) {
        return "payload";
      }
      return payload.path("exp").asLong(0) <= now ? "expired" : null;
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return "unreadable";
    }
  }

  @Override
  JsonNode errorBody(int status, String message) {
    String code = switch (status) {
      case 400 -> "1210"; // API 调用参数有误
      case 401 -> "1000";
      case 404 -> "1211"; // 模型不存在
      case 429 -> "1302"; // 并发数过高
      default -> String.valueOf(status);
    };
    return zhipuError(code, message);
  }

  private static ObjectNode zhipuError(String code, String message) {
    ObjectNode root = FakeExchange.JSON.createObjectNode();
    root.putObject("error").put("code", code).put("message", message);
    return root;
  }

  @Override
  void route(FakeExchange ex, Script script) throws IOException, InterruptedException {
    JsonNode req = ex.json();
    if (ex.path().equals("/api/paas/v4/chat/completions")) {
      if (!req.path("model").isTextual() || !req.path("messages").isArray() || req.path("messages").isEmpty()) {
        ex.sendJson(400, zhipuError("1214", "model 与 messages 为必填参数"), Map.of());
        return;
      }
      ChatAnswers.Plan plan = ChatAnswers.plan(req, script, reasoning(), chunkDelay());
      if (plan.toolCall() != null && !req.path("tools").isArray()) {
        ex.sendJson(400, zhipuError("1214", "tool_choice 需要 tools 参数"), Map.of());
      } else if (req.path("stream").asBoolean(false) && plan.toolCall() == null) {
        stream(ex, req, plan);
      } else {
        ChatAnswers.answer(ex, plan);
      }
    } else if (ex.path().equals("/api/paas/v4/embeddings")) {
      if (!req.path("model").isTextual()) {
        ex.sendJson(400, zhipuError("1214", "model 为必填参数"), Map.of());
        return;
      }
      MediaAnswers.embeddings(ex, embeddingDimension(), false);
    } else {
      ex.sendJson(404, zhipuError("404", "Not Found: " + ex.path()), Map.of());
    }
  }

  /** Zhipu's stream: content chunks, a last chunk with finish_reason and usage together, then [DONE]. */
  private static void stream(FakeExchange ex, JsonNode req, ChatAnswers.Plan plan) throws IOException, InterruptedException {
    ex.startEvents();
    int sent = 0;
    if (plan.reasoning() != null) {
      for (String piece : ChatAnswers.pieces(plan.reasoning())) {
        ChatAnswers.pause(plan.chunkDelay(), sent++);
        ex.sendEvent(chunk(req, FakeExchange.JSON.createObjectNode().put("role", "assistant").put("reasoning_content", piece)));
      }
    }
    for (String piece : ChatAnswers.pieces(plan.content())) {
      if (plan.midStreamError() != null && sent == 2) {
        ex.sendEvent(zhipuError("500", plan.midStreamError()));
        return;
      }
      ChatAnswers.pause(plan.chunkDelay(), sent++);
      ex.sendEvent(chunk(req, FakeExchange.JSON.createObjectNode().put("role", "assistant").put("content", piece)));
    }
    ObjectNode last = chunk(req, FakeExchange.JSON.createObjectNode().put("role", "assistant").put("content", ""));
    ((ObjectNode) last.path("choices").get(0)).put("finish_reason", "stop");
    int prompt = 0;
    for (JsonNode m : req.path("messages")) {
      prompt += ChatAnswers.words(m.path("content").asText(""));
    }
    int completion = ChatAnswers.words(plan.content());
    last.putObject("usage").put("prompt_tokens", prompt).put("completion_tokens", completion)
        .put("total_tokens", prompt + completion);
    ex.sendEvent(last);
    ex.sendDone();
  }

  private static ObjectNode chunk(JsonNode req, ObjectNode delta) {
    ObjectNode chunk = FakeExchange.JSON.createObjectNode();
    chunk.put("id", "fake-zhipu-chunk");
    chunk.put("created", System.currentTimeMillis() / 1000);
    chunk.put("model", req.path("model").asText());
    chunk.putArray("choices").addObject().put("index", 0).set("delta", delta);
    return chunk;
  }
}
