package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ForwardedAnswer;
import io.byzerllm.worker.ForwardedChat;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.openai.ChatRequest;
import io.byzerllm.worker.openai.ChatResponses;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.util.ByteString;

/** {@code POST /v1/chat/completions}, blocking and streamed (SSE). */
public final class ChatRoutes {
  private final ModelGateway gateway;

  public ChatRoutes(ModelGateway gateway) {
    this.gateway = gateway;
  }

  public Route route() {
    return pathPrefix("chat", () -> path("completions", () -> post(() ->
        entity(Unmarshaller.entityToByteString(), body -> completeWithFuture(handle(body))))));
  }

  /** Answers one chat request's body; cancelling the answer cancels the call. */
  public CompletableFuture<HttpResponse> handle(ByteString body) {
    long start = System.nanoTime();
    try {
      String id = requestId();
      byte[] bytes = body.toArray();
      PlainChat plain = PlainChat.scan(bytes);
      if (plain != null && gateway.forwardsChat(plain.model())) {
        return plain.stream()
            ? forwardStream(new ForwardedChat(id, plain.model(), bytes, plain.includeUsage()), start)
            : forward(new ForwardedChat(id, plain.model(), bytes), start);
      }
      ChatRequest request = ChatRequest.parse(Json.object(bytes), id);
      return request.stream() ? stream(request, start) : blocking(request, start);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }

  /** Unique enough to trace a request; not a secret, so no SecureRandom (a syscall and a lock per request). */
  private static String requestId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return "chatcmpl-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
  }

  /** An OpenAI-shaped chat for an OpenAI-compatible provider: bytes in, the provider's bytes out. */
  private CompletableFuture<HttpResponse> forward(ForwardedChat chat, long start) {
    return ModelGateway.respond(gateway.call(chat.model(), new Work.Forward(chat), ForwardedAnswer.class, start),
        a -> a.timed(HttpResponse.create().withEntity(ContentTypes.APPLICATION_JSON, a.value().body())
            .addHeader(RawHeader.create("x-request-id", chat.requestId()))));
  }

  private CompletableFuture<HttpResponse> blocking(ChatRequest request, long start) {
    String id = request.call().requestId();
    return ModelGateway.respond(gateway.call(request.model(), new Work.Chat(request.call()), ChatResult.class, start),
        a -> a.timed(Json.ok(ChatResponses.completion(id, request.model(), Instant.now().getEpochSecond(),
            a.value())).addHeader(RawHeader.create("x-request-id", id))));
  }

  private CompletableFuture<HttpResponse> stream(ChatRequest request, long start) {
    String id = request.call().requestId();
    SseEncoder encoder = new SseEncoder(id, request.model(), Instant.now().getEpochSecond(), request.includeUsage());
    return sse(request.model(), new Work.Stream(request.call()), id, encoder, start);
  }

  /**
   * An OpenAI-shaped stream for an OpenAI-compatible provider: the provider's SSE events go out as
   * they came but for their id and model (the backend rewrote them); the usage chunk is the
   * provider's, passed on when the caller asked for it.
   */
  private CompletableFuture<HttpResponse> forwardStream(ForwardedChat chat, long start) {
    return sse(chat.model(), new Work.ForwardStream(chat), chat.requestId(),
        new SseEncoder(chat.requestId(), chat.model(), 0, false), start);
  }

  private CompletableFuture<HttpResponse> sse(String model, Work work, String id, SseEncoder encoder, long start) {
    return ModelGateway.respond(gateway.stream(model, work, start),
        a -> a.timed(HttpResponse.create()
            .withEntity(HttpEntities.createChunked(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM),
                a.value().mapConcat(encoder::encode).takeWhile(b -> !b.isEmpty())
                    .recover(new PFBuilder<Throwable, ByteString>().match(Throwable.class, encoder::failed).build())))
            .addHeader(RawHeader.create("x-request-id", id))
            .addHeader(RawHeader.create("Cache-Control", "no-cache"))));
  }
}
