package io.byzerllm.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.concat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.SpecFields;
import io.byzerllm.server.cluster.DeploymentController;
import io.byzerllm.server.cluster.DeploymentRecord;
import io.byzerllm.worker.actor.WorkerStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/** {@code /api/deployments}: deploy, list with live worker status, describe one, undeploy. */
public final class DeploymentRoutes {
  private final ActorRef<DeploymentController.Command> controller;
  private final ClusterView view;
  private final Scheduler scheduler;
  private final Duration deployTimeout;

  public DeploymentRoutes(ActorRef<DeploymentController.Command> controller, ClusterView view, Scheduler scheduler,
                          Duration deployTimeout) {
    this.controller = controller;
    this.view = view;
    this.scheduler = scheduler;
    this.deployTimeout = deployTimeout;
  }

  public Route route() {
    return pathPrefix("deployments", () -> concat(
        pathEnd(() -> concat(
            post(() -> entity(Unmarshaller.entityToByteString(), body -> completeWithFuture(deploy(body)))),
            get(() -> completeWithFuture(list())))),
        path(name -> concat(
            get(() -> completeWithFuture(one(name))),
            delete(() -> completeWithFuture(undeploy(name)))))));
  }

  private CompletionStage<HttpResponse> deploy(ByteString bytes) {
    try {
      ObjectNode body = Json.object(bytes.toArray());
      JsonNode replaceNode = body.remove("replace");
      boolean replace = replaceNode != null && replaceNode.asBoolean(false);
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = Json.MAPPER.convertValue(body, Map.class);
      ModelSpec spec = SpecFields.toSpec(fields);
      CompletionStage<DeploymentController.DeployOutcome> outcome = AskPattern.ask(controller,
          replyTo -> new DeploymentController.Deploy(spec, replace, replyTo), deployTimeout.plusSeconds(5), scheduler);
      return outcome.thenCompose(o -> {
        if (o.failure() != null) {
          throw o.failure().toException();
        }
        return view.table().thenCompose(t -> view.workerStatuses(t.nodes()))
            .thenApply(statuses -> Json.response(201, describe(o.deployment(), statuses, 0)));
      }).exceptionally(ApiErrors::response);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ApiErrors.response(e));
    }
  }

  private CompletionStage<HttpResponse> list() {
    return view.table().thenCompose(t -> view.workerStatuses(t.nodes()).thenApply(statuses -> {
      ObjectNode root = Json.newObject();
      ArrayNode arr = root.putArray("deployments");
      t.deployments().forEach(d -> arr.add(describe(d, statuses, t.missingWorkers().getOrDefault(d.model(), 0))));
      return Json.ok(root);
    })).exceptionally(ApiErrors::response);
  }

  private CompletionStage<HttpResponse> one(String name) {
    return view.table().thenCompose(t -> {
      DeploymentRecord d = t.deployments().stream().filter(r -> r.model().equals(name)).findFirst().orElseThrow(() ->
          new LlmException(ErrorKind.MODEL_NOT_FOUND, "model '" + name + "' is not deployed; deployed models: "
              + t.deployments().stream().map(DeploymentRecord::model).toList()));
      return view.workerStatuses(t.nodes()).thenApply(statuses ->
          Json.ok(describe(d, statuses, t.missingWorkers().getOrDefault(d.model(), 0))));
    }).exceptionally(ApiErrors::response);
  }

  private CompletionStage<HttpResponse> undeploy(String name) {
    CompletionStage<DeploymentController.UndeployOutcome> outcome = AskPattern.ask(controller,
        replyTo -> new DeploymentController.Undeploy(name, replyTo), Duration.ofSeconds(30), scheduler);
    return outcome.thenApply(o -> {
      ObjectNode root = Json.newObject();
      root.put("model", o.model());
      root.put("removed", o.removed());
      return Json.ok(root);
    }).exceptionally(ApiErrors::response);
  }

  /** A deployment as listed: its redacted spec, state, and its workers' live status; {@code missing} workers wait for room. */
  static ObjectNode describe(DeploymentRecord d, List<WorkerStatus> statuses, int missing) {
    ObjectNode node = Json.MAPPER.valueToTree(SpecFields.toRedactedFields(d.spec()));
    node.put("state", missing > 0 ? "degraded" : d.state().name().toLowerCase(Locale.ROOT));
    node.put("missing_workers", missing);
    node.put("generation", d.generation());
    node.put("created", d.createdEpochSecond());
    ArrayNode capabilities = node.putArray("capabilities");
    d.spec().pretrainedModelType().capabilityNames().forEach(capabilities::add);
    ArrayNode workers = node.putArray("workers");
    statuses.stream()
        .filter(s -> s.id().model().equals(d.model()))
        .sorted(Comparator.comparingLong((WorkerStatus s) -> s.id().generation()).thenComparingInt(s -> s.id().index()))
        .forEach(s -> workers.add(worker(s)));
    return node;
  }

  private static ObjectNode worker(WorkerStatus s) {
    ObjectNode w = Json.newObject();
    w.put("index", s.id().index());
    w.put("generation", s.id().generation());
    w.put("node", s.node());
    w.put("state", s.state());
    w.put("in_flight", s.inFlight());
    w.put("permits", s.permits());
    w.put("queued", s.queued());
    w.put("requests", s.requests());
    w.put("errors", s.errors());
    w.put("p50_ms", s.p50Ms());
    w.put("p99_ms", s.p99Ms());
    w.put("breaker", s.breaker());
    w.set("backend", Json.MAPPER.valueToTree(s.backend()));
    return w;
  }
}
