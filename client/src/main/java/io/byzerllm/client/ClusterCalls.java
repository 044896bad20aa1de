package io.byzerllm.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.SpecFields;
import java.net.URLEncoder;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The management API: deployments, cluster state, health and shutdown. */
final class ClusterCalls {
  private final Transport transport;

  ClusterCalls(Transport transport) {
    this.transport = transport;
  }

  DeploymentInfo deploy(ModelSpec spec, boolean replace) {
    Map<String, Object> body = new LinkedHashMap<>(SpecFields.toFields(spec));
    body.put("replace", replace);
    return Json.read(transport.call(transport.postJson("/api/deployments", body)), DeploymentInfo.class);
  }

  boolean undeploy(String model) {
    JsonNode answer = Json.tree(transport.call(transport.delete("/api/deployments/" + encode(model))));
    return answer.path("removed").asBoolean(false);
  }

  DeploymentInfo deployment(String model) {
    return Json.read(transport.call(transport.get("/api/deployments/" + encode(model))), DeploymentInfo.class);
  }

  List<DeploymentInfo> deployments() {
    JsonNode answer = Json.tree(transport.call(transport.get("/api/deployments")));
    List<DeploymentInfo> out = new ArrayList<>();
    for (JsonNode d : answer.path("deployments")) {
      out.add(Json.convert(d, DeploymentInfo.class));
    }
    return List.copyOf(out);
  }

  List<ModelInfo> models() {
    JsonNode answer = Json.tree(transport.call(transport.get("/v1/models")));
    List<ModelInfo> out = new ArrayList<>();
    for (JsonNode m : answer.path("data")) {
      out.add(Json.convert(m, ModelInfo.class));
    }
    return List.copyOf(out);
  }

  ClusterInfo cluster() {
    return Json.read(transport.call(transport.get("/api/cluster")), ClusterInfo.class);
  }

  boolean health() {
    try {
      var r = transport.send(transport.get("/health"), BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (LlmClientException e) {
      if (e.noAnswer()) {
        return false;
      }
      throw e;
    }
  }

  void shutdownNode() {
    transport.call(transport.postJson("/api/node/shutdown", Map.of()));
  }

  private static String encode(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model name is empty");
    }
    return URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
