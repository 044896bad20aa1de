package io.byzerllm.server.http;

import io.byzerllm.server.cluster.DeploymentController;
import io.byzerllm.server.cluster.NodeAgent;
import io.byzerllm.server.cluster.NodeDescription;
import io.byzerllm.worker.actor.WorkerActor;
import io.byzerllm.worker.actor.WorkerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Read-only questions the edge asks the cluster: the deployment table, and the live status of
 * every worker (asked of the workers themselves, through each node's agent).
 */
public final class ClusterView {
  private final ActorRef<DeploymentController.Command> controller;
  private final Scheduler scheduler;
  private final Duration timeout;

  public ClusterView(ActorRef<DeploymentController.Command> controller, Scheduler scheduler, Duration timeout) {
    this.controller = controller;
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  public CompletionStage<DeploymentController.Table> table() {
    return AskPattern.ask(controller, DeploymentController.GetTable::new, timeout, scheduler);
  }

  /** Every worker's status; a worker or node that does not answer in time is left out. */
  public CompletionStage<List<WorkerStatus>> workerStatuses(List<NodeDescription> nodes) {
    List<CompletableFuture<List<WorkerStatus>>> perNode = new ArrayList<>();
    for (NodeDescription node : nodes) {
      CompletionStage<NodeAgent.WorkerRefs> refs = AskPattern.ask(node.agent(), NodeAgent.ListWorkers::new, timeout, scheduler);
      perNode.add(refs.thenCompose(r -> statuses(r.workers().stream().map(NodeAgent.RunningWorker::ref).toList())).toCompletableFuture()
          .exceptionally(e -> List.of()));
    }
    return CompletableFuture.allOf(perNode.toArray(CompletableFuture[]::new))
        .thenApply(v -> perNode.stream().flatMap(f -> f.join().stream()).toList());
  }

  private CompletionStage<List<WorkerStatus>> statuses(java.util.Collection<ActorRef<WorkerActor.Command>> workers) {
    List<CompletableFuture<WorkerStatus>> asks = workers.stream()
        .map(w -> AskPattern.<WorkerActor.Command, WorkerStatus>ask(w, WorkerActor.GetStatus::new, timeout, scheduler)
            .toCompletableFuture().exceptionally(e -> null))
        .toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join).filter(s -> s != null).toList());
  }
}
