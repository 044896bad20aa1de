package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.byzerllm.worker.ImageResult;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.openai.ImageRequest;
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
      ImageRequest request = ImageRequest.parse(Json.object(bytes.toArray()));
      return ModelGateway.respond(gateway.call(request.model(), new Work.Draw(request.call()), ImageResult.class, start),
          a -> a.timed(Json.ok(request.answer(a.value()))));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }
}
