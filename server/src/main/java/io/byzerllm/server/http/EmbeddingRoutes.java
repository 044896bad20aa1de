package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.worker.EmbeddingCall;
import io.byzerllm.worker.EmbeddingResult;
import io.byzerllm.worker.actor.Work;
import java.util.ArrayList;
import java.util.List;
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
      ObjectNode body = Json.object(bytes.toArray());
      String model = Fields.requiredString(body, "model");
      String format = Fields.optionalString(body, "encoding_format");
      boolean base64 = "base64".equals(format);
      if (format != null && !base64 && !"float".equals(format)) {
        throw new InvalidFieldException("encoding_format", "'encoding_format' must be float or base64 (got '" + format + "')");
      }
      String inputType = Fields.optionalString(body, "input_type");
      if (inputType != null && !inputType.equals("query") && !inputType.equals("document")) {
        throw new InvalidFieldException("input_type", "'input_type' must be query or document (got '" + inputType + "')");
      }
      EmbeddingCall call = new EmbeddingCall(inputs(body.get("input")), "query".equals(inputType), null,
          Fields.optionalPositiveInt(body, "dimensions"));
      return ModelGateway.respond(gateway.call(model, new Work.Embed(call), EmbeddingResult.class, start),
          a -> a.timed(HttpResponse.create()
              .withEntity(ContentTypes.APPLICATION_JSON, EmbeddingJson.write(model, a.value(), base64))));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }

  static List<String> inputs(JsonNode input) {
    if (input == null || input.isNull()) {
      throw new InvalidFieldException("input", "'input' is required: a string or a list of strings");
    }
    List<String> out = new ArrayList<>();
    if (input.isTextual()) {
      out.add(input.asText());
    } else if (input.isArray()) {
      for (JsonNode n : input) {
        if (!n.isTextual()) {
          throw new InvalidFieldException("input", "'input' must be a string or a list of strings (token arrays are not supported)");
        }
        out.add(n.asText());
      }
    } else {
      throw new InvalidFieldException("input", "'input' must be a string or a list of strings");
    }
    if (out.isEmpty()) {
      throw new InvalidFieldException("input", "'input' is an empty list; send at least one text");
    }
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).isEmpty()) {
        throw new InvalidFieldException("input", "'input' holds an empty string at index " + i + "; every text must be non-empty");
      }
    }
    return out;
  }
}
