package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /v1/models}: the deployed models, really (never a secret). */
public final class ModelRoutes {
  private final ClusterView view;

  public ModelRoutes(ClusterView view) {
    this.view = view;
  }

  public Route route() {
    return path("models", () -> get(() -> completeWithFuture(models())));
  }

  private CompletionStage<HttpResponse> models() {
    return view.table().thenApply(t -> {
      ObjectNode root = Json.newObject();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      t.deployments().forEach(d -> {
        ObjectNode m = data.addObject();
        m.put("id", d.model());
        m.put("object", "model");
        m.put("created", d.createdEpochSecond());
        m.put("owned_by", "byzerllm");
        m.put("pretrained_model_type", d.spec().pretrainedModelType().id());
        ArrayNode caps = m.putArray("capabilities");
        d.spec().pretrainedModelType().capabilityNames().forEach(caps::add);
      });
      return Json.ok(root);
    }).exceptionally(ApiErrors::response);
  }
}
