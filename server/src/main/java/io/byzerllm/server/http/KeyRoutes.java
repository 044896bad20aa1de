package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.keys.ApiKey;
import io.byzerllm.server.keys.KeyLimiter;
import io.byzerllm.server.keys.KeyLimits;
import io.byzerllm.server.keys.KeyMaterial;
import io.byzerllm.server.keys.KeyRing;
import io.byzerllm.server.keys.KeyRole;
import io.byzerllm.server.keys.KeyTable;
import io.byzerllm.worker.openai.InvalidFieldException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * {@code /api/keys} (admin only, see {@link AccessGate#checkApi}): create a key (its only showing),
 * list keys (ids, roles, limits and the cluster's usage as this node knows it; never a key or its hash), revoke one cluster-wide.
 */
public final class KeyRoutes {
  private final ActorRef<KeyTable.Command> table;
  private final KeyRing ring;
  private final KeyLimiter limiter;
  private final Scheduler scheduler;
  private final Duration timeout;

  /** {@code timeout}: how long the table's write to every node may take, plus a margin. */
  public KeyRoutes(ActorRef<KeyTable.Command> table, KeyRing ring, KeyLimiter limiter, Scheduler scheduler,
                   Duration timeout) {
    this.table = table;
    this.ring = ring;
    this.limiter = limiter;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  public Route route() {
    return pathPrefix("keys", () -> concat(
        pathEnd(() -> concat(
            post(() -> entity(Unmarshaller.entityToByteString(), body -> completeWithFuture(create(body)))),
            get(() -> completeWithFuture(CompletableFuture.completedFuture(list()))))),
        path(id -> delete(() -> completeWithFuture(revoke(id))))));
  }

  private CompletionStage<HttpResponse> create(ByteString bytes) {
    try {
      if (!ring.guarded()) {
        throw new LlmException(ErrorKind.INVALID_REQUEST, "this node takes requests without a key, so issued keys"
            + " would limit nothing: start every node with --api_key (the admin key) to use keys");
      }
      ObjectNode body = Json.object(bytes.toArray());
      KeyMaterial.Issued issued = KeyMaterial.issue();
      ApiKey key = new ApiKey(issued.id(), KeyMaterial.sha256(issued.key()), role(body), models(body),
          new KeyLimits(intField(body, "rpm"), longField(body, "tpm"), intField(body, "max_concurrent")),
          body.path("name").asText(""), Instant.now().getEpochSecond());
      return AskPattern.<KeyTable.Command, KeyTable.Written>ask(table, r -> new KeyTable.Put(key, r), timeout, scheduler)
          .thenApply(w -> {
            ObjectNode out = describe(key);
            out.put("key", issued.key());
            out.put("replicated", w.replicated());
            return Json.response(201, out);
          }).exceptionally(ApiErrors::response);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }

  private HttpResponse list() {
    ObjectNode root = Json.newObject();
    ArrayNode arr = root.putArray("keys");
    ring.keys().values().stream().sorted(Comparator.comparingLong(ApiKey::createdEpochSecond).thenComparing(ApiKey::id))
        .forEach(k -> {
          ObjectNode n = describe(k);
          KeyLimiter.Usage u = limiter.clusterUsage(k.id());
          ObjectNode usage = n.putObject("usage");
          usage.put("in_flight", u.inFlight());
          usage.put("requests_this_minute", u.requests());
          usage.put("tokens_this_minute", u.tokens());
          arr.add(n);
        });
    return Json.ok(root);
  }

  private CompletionStage<HttpResponse> revoke(String id) {
    return AskPattern.<KeyTable.Command, KeyTable.Written>ask(table, r -> new KeyTable.Revoke(id, r), timeout, scheduler)
        .thenApply(w -> {
          ObjectNode out = Json.newObject();
          out.put("id", id);
          out.put("revoked", w.existed());
          out.put("replicated", w.replicated());
          return Json.ok(out);
        }).exceptionally(ApiErrors::response);
  }

  /** A key as listed: everything but the key and its hash. */
  static ObjectNode describe(ApiKey k) {
    ObjectNode n = Json.newObject();
    n.put("id", k.id());
    n.put("name", k.name());
    n.put("role", k.role().name().toLowerCase(Locale.ROOT));
    ArrayNode models = n.putArray("models");
    k.allowedModels().forEach(models::add);
    n.put("rpm", k.limits().requestsPerMinute());
    n.put("tpm", k.limits().tokensPerMinute());
    n.put("max_concurrent", k.limits().maxConcurrent());
    n.put("created", k.createdEpochSecond());
    return n;
  }

  private static KeyRole role(ObjectNode body) {
    String role = body.path("role").asText("inference");
    try {
      return KeyRole.valueOf(role.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException("role", "role must be 'admin' or 'inference' (got '" + role + "')");
    }
  }

  private static List<String> models(ObjectNode body) {
    JsonNode node = body.path("models");
    List<String> out = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new InvalidFieldException("models", "models must be a list of model names");
    }
    node.forEach(m -> {
      if (!m.isTextual() || m.asText().isBlank()) {
        throw new InvalidFieldException("models", "models must be a list of model names (got " + m + ")");
      }
      out.add(m.asText());
    });
    return out;
  }

  private static int intField(ObjectNode body, String field) {
    long v = longField(body, field);
    if (v > Integer.MAX_VALUE) {
      throw new InvalidFieldException(field, field + " is too large (got " + v + ")");
    }
    return (int) v;
  }

  private static long longField(ObjectNode body, String field) {
    JsonNode n = body.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return 0;
    }
    if (!n.canConvertToLong() || !n.isIntegralNumber()) {
      throw new InvalidFieldException(field, field + " must be a whole number, 0 for no limit (got " + n + ")");
    }
    return n.asLong();
  }
}
