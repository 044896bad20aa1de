package io.byzerllm.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.Redactor;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.openai.ChatResponses;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Turns one stream's events into SSE: a chunk per delta, a forwarded stream's frames as they are
 * (already SSE, the provider's bytes), the usage chunk when asked for, then {@code [DONE]}; a failure
 * becomes one OpenAI-shaped error event and the stream ends without {@code [DONE]}. Used by one stream at a time, in order. An empty ByteString marks the end.
 */
final class SseEncoder {
  private static final ByteString DONE = ByteString.fromString("data: [DONE]\n\n");
  private final String id;
  private final String model;
  private final long created;
  private final boolean includeUsage;
  private boolean first = true;

  SseEncoder(String id, String model, long created, boolean includeUsage) {
    this.id = id;
    this.model = model;
    this.created = created;
    this.includeUsage = includeUsage;
  }

  List<ByteString> encode(StreamEvent event) {
    if (event.frame() != null) {
      return List.of(ByteString.fromArrayUnsafe(event.frame())); // the event's own array, never written again
    }
    List<ByteString> out = new ArrayList<>(3);
    if (event.delta() != null) {
      out.add(data(ChatResponses.chunk(id, model, created, event.delta(), first)));
      first = false;
    } else if (event.done() != null) {
      if (includeUsage) {
        out.add(data(ChatResponses.usageChunk(id, model, created, event.done().usage())));
      }
      out.add(DONE);
      out.add(ByteString.emptyByteString());
    } else if (event.failure() != null) {
      out.add(error(event.failure()));
      out.add(ByteString.emptyByteString());
    }
    return out;
  }

  ByteString failed(Throwable e) {
    return error(Failure.of(ErrorKind.UNAVAILABLE, "the stream broke off: " + e.getMessage()));
  }

  private static ByteString error(Failure f) {
    ObjectNode error = Json.newObject();
    error.put("message", Redactor.SHAPES_ONLY.apply(f.message()));
    error.put("type", f.kind().type());
    error.put("code", String.valueOf(f.status()));
    ObjectNode root = Json.newObject();
    root.set("error", error);
    return data(root);
  }

  private static ByteString data(ObjectNode node) {
    return ByteString.fromString("data: ").concat(ByteString.fromArray(Json.bytes(node))).concat(ByteString.fromString("\n\n"));
  }
}
