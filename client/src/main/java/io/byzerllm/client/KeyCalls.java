package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/keys}: issue, list and revoke API keys (an admin key's calls). */
final class KeyCalls {
  private final Transport transport;

  KeyCalls(Transport transport) {
    this.transport = transport;
  }

  CreatedKey create(NewKey request) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", request.name());
    body.put("role", request.admin() ? "admin" : "inference");
    body.put("models", request.models());
    body.put("rpm", request.rpm());
    body.put("tpm", request.tpm());
    body.put("max_concurrent", request.maxConcurrent());
    JsonNode answer = Json.tree(transport.call(transport.postJson("/api/keys", body)));
    return new CreatedKey(Json.convert(answer, KeyInfo.class), answer.path("key").asText(),
        answer.path("replicated").asBoolean(false));
  }

  List<KeyInfo> list() {
    List<KeyInfo> out = new ArrayList<>();
    for (JsonNode k : Json.tree(transport.call(transport.get("/api/keys"))).path("keys")) {
      out.add(Json.convert(k, KeyInfo.class));
    }
    return List.copyOf(out);
  }

  RevokedKey revoke(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("key id is empty; 'llm keys list' shows the ids");
    }
    JsonNode answer = Json.tree(transport.call(transport.delete("/api/keys/"
        + URLEncoder.encode(id, StandardCharsets.UTF_8))));
    return new RevokedKey(id, answer.path("revoked").asBoolean(false), answer.path("replicated").asBoolean(false));
  }
}
