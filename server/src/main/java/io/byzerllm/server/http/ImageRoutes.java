package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.ImageCall;
import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.actor.Work;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/** {@code POST /v1/images/generations}; images come back as base64 ({@code url} asks get a data URL). */
public final class ImageRoutes {
  private final ModelGateway gateway;

  public ImageRoutes(ModelGateway gateway) {
    this.gateway = gateway;
  }

  public Route route() {
    return pathPrefix("images", () -> path("generations", () -> post(() ->
        entity(Unmarshaller.entityToByteString(), body -> completeWithFuture(generate(body))))));
  }

  private CompletionStage<HttpResponse> generate(ByteString bytes) {
    long start = System.nanoTime();
    try {
      ObjectNode body = Json.object(bytes.toArray());
      String model = Fields.requiredString(body, "model");
      String format = Fields.optionalString(body, "response_format");
      if (format != null && !format.equals("b64_json") && !format.equals("url")) {
        throw new InvalidFieldException("response_format", "'response_format' must be b64_json or url (got '" + format + "')");
      }
      ImageCall call = new ImageCall(Fields.requiredString(body, "prompt"), Fields.optionalString(body, "size"),
          Fields.optionalString(body, "quality"), Fields.optionalPositiveInt(body, "n"),
          Fields.optionalString(body, "style"), null, Map.of());
      boolean asUrl = "url".equals(format);
      return ModelGateway.respond(gateway.call(model, new Work.Draw(call), ImageResult.class, start),
          a -> a.timed(Json.ok(response(a.value(), asUrl))));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }

  private static ObjectNode response(ImageResult r, boolean asUrl) {
    ObjectNode root = Json.newObject();
    root.put("created", r.created());
    ArrayNode data = root.putArray("data");
    for (ImageResult.Image image : r.images()) {
      ObjectNode item = data.addObject();
      if (asUrl) {
        item.put("url", "data:image/png;base64," + image.b64Json());
      } else {
        item.put("b64_json", image.b64Json());
      }
      if (image.revisedPrompt() != null) {
        item.put("revised_prompt", image.revisedPrompt());
      }
    }
    return root;
  }
}
