package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.concat;

import io.byzerllm.worker.SpeechResult;
import io.byzerllm.worker.TranscriptionCall;
import io.byzerllm.worker.TranscriptionResult;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.openai.InvalidFieldException;
import io.byzerllm.worker.openai.SpeechRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Multipart;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/** {@code POST /v1/audio/speech} (JSON in, audio out) and {@code /v1/audio/transcriptions} (multipart). */
public final class AudioRoutes {
  private static final long PART_READ_MILLIS = 30_000;
  private final ModelGateway gateway;

  public AudioRoutes(ModelGateway gateway) {
    this.gateway = gateway;
  }

  public Route route() {
    return pathPrefix("audio", () -> concat(
        path("speech", () -> post(() ->
            entity(Unmarshaller.entityToByteString(), body -> completeWithFuture(speak(body))))),
        path("transcriptions", () -> post(() -> extractMaterializer(mat ->
            entity(Unmarshaller.entityToMultipartFormData(), form -> completeWithFuture(transcribe(form, mat))))))));
  }

  private CompletionStage<HttpResponse> speak(ByteString bytes) {
    long start = System.nanoTime();
    try {
      SpeechRequest request = SpeechRequest.parse(Json.object(bytes.toArray()));
      return ModelGateway.respond(gateway.call(request.model(), new Work.Speak(request.call()), SpeechResult.class, start),
          a -> a.timed(HttpResponse.create().withEntity(contentType(a.value().contentType()), a.value().audio())));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }

  private CompletionStage<HttpResponse> transcribe(Multipart.FormData form, Materializer mat) {
    long start = System.nanoTime();
    return form.toStrict(PART_READ_MILLIS, mat).thenCompose(strict -> {
      Map<String, String> fields = new HashMap<>();
      List<String> granularities = new ArrayList<>();
      byte[] audio = null;
      String fileName = null;
      for (Multipart.FormData.BodyPart.Strict part : strict.getStrictParts()) {
        String name = part.getName();
        if ("file".equals(name)) {
          audio = part.getEntity().getData().toArray();
          fileName = part.getFilename().orElse("audio.wav");
        } else if (name.startsWith("timestamp_granularities")) {
          granularities.add(part.getEntity().getData().utf8String());
        } else {
          fields.put(name, part.getEntity().getData().utf8String());
        }
      }
      if (audio == null || audio.length == 0) {
        throw new InvalidFieldException("file", "'file' is required: the audio to transcribe, as a multipart file part");
      }
      String model = fields.get("model");
      if (model == null || model.isBlank()) {
        throw new InvalidFieldException("model", "'model' is required");
      }
      TranscriptionCall call = new TranscriptionCall(audio, fileName, null, fields.get("language"), fields.get("prompt"),
          fields.get("response_format"), granularities, temperature(fields.get("temperature")));
      return gateway.call(model, new Work.Transcribe(call), TranscriptionResult.class, start)
          .thenApply(a -> a.timed(HttpResponse.create().withEntity(contentType(a.value().contentType()),
              ByteString.fromString(a.value().body()))));
    }).exceptionally(ApiErrors::response);
  }

  private static Double temperature(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new InvalidFieldException("temperature", "'temperature' must be a number (got '" + text + "')");
    }
  }

  private static ContentType contentType(String header) {
    if (header == null || header.isBlank()) {
      return ContentTypes.APPLICATION_OCTET_STREAM;
    }
    return ContentTypes.parse(header.contains("/") ? header : "application/octet-stream");
  }
}
