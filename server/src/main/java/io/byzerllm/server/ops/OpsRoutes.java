package io.byzerllm.server.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.server.cluster.NodeAgent;
import io.byzerllm.server.http.ApiErrors;
import io.byzerllm.server.http.Json;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What operators and load balancers read from a node. Open (no API key): {@code GET /metrics}
 * (Prometheus text), {@code /health/live} (the process serves HTTP) and {@code /health/ready}
 * (an Up cluster member whose placed workers are all ready; else 503 with the reason). Under
 * {@code /api} (key required): {@code GET /api/errors/recent}.
 */
public final class OpsRoutes {
  private static final ContentType PROMETHEUS_TEXT = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final NodeMetrics metrics;
  private final RecentErrors recentErrors;
  private final Cluster cluster;
  private final Supplier<ActorRef<NodeAgent.Command>> agent;
  private final Scheduler scheduler;
  private final Duration askTimeout;
  private final String nodeName;
  private final Executor scrapes;

  /**
   * {@code metrics}: null when the node's metrics are off; {@code agent}: null until the node runs
   * workers; {@code scrapes}: where a scrape is formatted (it reads /proc and writes ~100 KB of text),
   * off the HTTP dispatcher.
   */
  public OpsRoutes(NodeMetrics metrics, RecentErrors recentErrors, Cluster cluster,
                   Supplier<ActorRef<NodeAgent.Command>> agent, Scheduler scheduler, Duration askTimeout, String nodeName,
                   Executor scrapes) {
    this.scrapes = scrapes;
    this.metrics = metrics;
    this.recentErrors = recentErrors;
    this.cluster = cluster;
    this.agent = agent;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
    this.nodeName = nodeName;
  }

  /** {@code /metrics}, {@code /health/live}, {@code /health/ready}: no key needed. */
  public Route open() {
    return concat(
        path("metrics", () -> get(() -> completeWithFuture(CompletableFuture.supplyAsync(this::metrics, scrapes)))),
        pathPrefix("health", () -> concat(
            path("live", () -> get(() -> complete(Json.ok(status("live"))))),
            path("ready", () -> get(() -> completeWithFuture(ready()))))));
  }

  /** {@code /errors/recent}, to sit under {@code /api}. */
  public Route api() {
    return path(segment("errors").slash("recent"), () -> get(() -> complete(Json.ok(recentErrors.json()))));
  }

  private HttpResponse metrics() {
    if (metrics == null) {
      return ApiErrors.body(404, ErrorKind.NOT_FOUND, "metrics are off on this node; set byzerllm.ops.metrics = on", null);
    }
    return HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private CompletionStage<HttpResponse> ready() {
    MemberStatus member = cluster.selfMember().status();
    if (member != MemberStatus.up()) {
      return notReady("this node is " + member.toString().toLowerCase() + " in the cluster, not up");
    }
    ActorRef<NodeAgent.Command> a = agent.get();
    if (a == null) {
      return notReady("the node is still starting");
    }
    return AskPattern.<NodeAgent.Command, NodeAgent.Readiness>ask(a, NodeAgent.CheckReady::new, askTimeout, scheduler)
        .thenCompose(r -> {
          if (r.draining()) {
            return notReady("the node is leaving the cluster (draining its workers)");
          }
          if (!r.starting().isEmpty()) {
            return notReady("workers placed here are still starting: " + String.join(", ", r.starting()));
          }
          ObjectNode body = status("ready");
          body.put("workers", r.workers());
          return CompletableFuture.completedFuture(Json.ok(body));
        })
        .exceptionally(e -> notReadyNow("the node's agent did not answer within " + askTimeout.toMillis() + " ms"));
  }

  private ObjectNode status(String status) {
    ObjectNode body = Json.newObject();
    body.put("status", status);
    body.put("node", nodeName);
    return body;
  }

  private CompletionStage<HttpResponse> notReady(String reason) {
    return CompletableFuture.completedFuture(notReadyNow(reason));
  }

  private HttpResponse notReadyNow(String reason) {
    ObjectNode body = status("not_ready");
    body.put("reason", reason);
    return Json.response(503, body);
  }
}
