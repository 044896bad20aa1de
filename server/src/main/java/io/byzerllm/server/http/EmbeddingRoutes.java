package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.openai.EmbeddingJson;
import io.byzerllm.worker.openai.EmbeddingRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/** {@code POST /v1/embeddings}: OpenAI's shape, float or base64, plus {@code input_type} query|document. */
public final class EmbeddingRoutes {
  private final ModelGateway gateway;

  public EmbeddingRoutes(ModelGateway gateway) {
    this.gateway = gateway;
  }

  public Route route() {
    return path("embeddings", () -> post(() ->
        entity(Unmarshaller.entityToByteString(), body -> completeWithFuture(handle(body)))));
  }

  /** Answers one embeddings request's body; cancelling the answer cancels the call. */
  public CompletableFuture<HttpResponse> handle(ByteString bytes) {
    long start = System.nanoTime();
    try {
      EmbeddingRequest request = EmbeddingRequest.parse(Json.object(bytes.toArray()));
      return ModelGateway.respond(gateway.call(request.model(), new Work.Embed(request.call()), EmbeddingResult.class, start),
          a -> a.timed(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON,
              EmbeddingJson.write(request.model(), a.value(), request.base64()))));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }
}
