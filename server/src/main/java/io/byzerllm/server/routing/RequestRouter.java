package io.byzerllm.server.routing;

import io.byzerllm.deploy.CoolingDownException;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.worker.actor.Failure;
import io.byzerllm.worker.actor.LocalWorker;
import io.byzerllm.worker.actor.LocalWorkers;
import io.byzerllm.worker.actor.NotStartedException;
import io.byzerllm.worker.actor.StreamEvent;
import io.byzerllm.worker.actor.StreamOpened;
import io.byzerllm.worker.actor.Work;
import io.byzerllm.worker.actor.WorkerReply;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import scala.concurrent.ExecutionContext;

/**
 * The request path of a node, in plain code: pick a worker of the model from the published
 * {@link RoutingTable} and this node's {@link LocalWorkers} (least load, local on a tie), call a local
 * one directly under its atomic permit, a remote one directly through {@link RemoteCalls} with a
 * deadline. A call a worker refused before its backend saw it (full, draining) goes to another
 * worker; with none left, a draining one's successor is awaited for the listing grace. A model no
 * node has heard of is looked up once (however many requests name it) and then answered 404.
 */
public final class RequestRouter {

  /**
   * A worker's answer: a value, or a stream's events (run them at once); {@code queueNanos}: its wait
   * in the worker's queue.
   */
  public record Reply(Object value, long backendNanos, long queueNanos, Source<StreamEvent, NotUsed> events) {}

  /** Timings of the path, from configuration. */
  public record Settings(Duration listingGrace, Duration fallbackDeadline) {}

  private final Routing routing;
  private final LocalWorkers local;
  private final RemoteCalls remote;
  private final Scheduler scheduler;
  private final ExecutionContext context;
  private final Executor executor;
  private final Materializer materializer;
  private final Settings settings;

  public RequestRouter(Routing routing, LocalWorkers local, RemoteCalls remote, Scheduler scheduler,
                       ExecutionContext context, Executor executor, Materializer materializer, Settings settings) {
    this.routing = routing;
    this.local = local;
    this.remote = remote;
    this.scheduler = scheduler;
    this.context = context;
    this.executor = executor;
    this.materializer = materializer;
    this.settings = settings;
  }

  /** Whether {@code model}'s provider takes OpenAI-shaped chat bodies as they are ({@link Work.Forward}). */
  public boolean forwardsChat(String model) {
    if (routing.table().forwardsChat(model)) {
      return true;
    }
    // A model deployed a moment ago is known here by its local workers before the table catches up.
    for (LocalWorker w : local.of(model)) {
      if (w.forwardsChat()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Does {@code work} on a worker of {@code model}, or of its fallbacks in order when it fails
   * before answering ({@link FallbackChain}); cancelling the future withdraws or cancels the call.
   */
  public CompletableFuture<Reply> call(String model, Work work) {
    List<String> fallbacks = fallbacks(model);
    if (fallbacks.isEmpty()) {
      return attempt(model, work);
    }
    List<String> chain = new java.util.ArrayList<>(fallbacks.size() + 1);
    chain.add(model);
    chain.addAll(fallbacks);
    // A body forwarded as it is can only go to a fallback that also takes OpenAI's chat bodies.
    return new FallbackChain<Reply>(chain, m -> attempt(m, work),
        m -> !(work instanceof Work.Forward || work instanceof Work.ForwardStream) || forwardsChat(m)).start();
  }

  /** A model deployed a moment ago is known here by its local workers before the table catches up (as in forwardsChat). */
  private List<String> fallbacks(String model) {
    List<String> known = routing.table().fallbacks(model);
    if (!known.isEmpty()) {
      return known;
    }
    for (LocalWorker w : local.of(model)) {
      if (!w.fallbacks().isEmpty()) {
        return w.fallbacks();
      }
    }
    return List.of();
  }

  private CompletableFuture<Reply> attempt(String model, Work work) {
    Attempt attempt = new Attempt(model, work);
    attempt.next();
    return attempt.result;
  }

  private final class Attempt {
    final String model;
    final Work work;
    final CompletableFuture<Reply> result = new CompletableFuture<>();
    final AtomicBoolean waiting = new AtomicBoolean();
    Set<Object> tried = Set.of();
    long refreshAskedAt = -1;
    volatile CompletableFuture<?> current;
    volatile Cancellable waitTimer;

    Attempt(String model, Work work) {
      this.model = model;
      this.work = work;
      result.whenComplete((v, e) -> {
        if (result.isCancelled()) {
          CompletableFuture<?> c = current;
          if (c != null) {
            c.cancel(true);
          }
          stopWaiting();
        }
      });
    }

    void next() {
      if (result.isDone()) {
        return;
      }
      CompletableFuture<Void> change = routing.nextChange();
      RoutingTable table = routing.table();
      List<LocalWorker> locals = local.of(model);
      List<RemoteWorker> remotes = table.remote(model);
      Object chosen = WorkerChoice.pick(locals, LocalWorker::load, remotes, RemoteWorker::load, tried,
          ThreadLocalRandom.current().nextInt(1 << 16));
      if (chosen == null) {
        awaitWorker(table, locals.isEmpty() && remotes.isEmpty(), change);
        return;
      }
      stopWaiting();
      if (chosen instanceof LocalWorker w) {
        callLocal(w);
      } else {
        callRemote((RemoteWorker) chosen, table);
      }
    }

    private void callLocal(LocalWorker worker) {
      CompletableFuture<LocalWorker.Result> call = worker.call(work, LocalWorker.Progress.NONE);
      current = call;
      call.whenComplete((r, error) -> {
        if (error == null) {
          Object value = r.value();
          result.complete(value instanceof LocalWorker.LocalStream s ? new Reply(null, 0, r.queueNanos(), s.events())
              : new Reply(value, r.backendNanos(), r.queueNanos(), null));
        } else if (Failure.unwrap(error) instanceof NotStartedException refused) {
          elsewhere(worker, refused.reason());
        } else {
          result.completeExceptionally(Failure.unwrap(error));
        }
      });
    }

    private void callRemote(RemoteWorker worker, RoutingTable table) {
      worker.sent();
      CompletableFuture<WorkerReply> call = remote.send(worker.ref(), work, table.deadline(model, settings.fallbackDeadline()));
      current = call;
      call.whenComplete((r, error) -> {
        if (error != null) { // cancelled: the caller went away
          worker.done();
        } else if (r.failure() != null) {
          worker.done();
          if (r.reachedBackend()) {
            result.completeExceptionally(r.failure().toException());
          } else {
            elsewhere(worker, r.failure().toException());
          }
        } else if (r.value() instanceof StreamOpened || r.value() instanceof LocalWorker.LocalStream) {
          // The stream holds a place on the worker until it ends: count it until then. It came as a
          // stream ref (the cluster's messages) or over the node link.
          Source<StreamEvent, NotUsed> remoteEvents = r.value() instanceof StreamOpened opened ? opened.events().getSource()
              : ((LocalWorker.LocalStream) r.value()).events();
          Source<StreamEvent, NotUsed> events = remoteEvents.watchTermination((nu, done) -> {
            done.whenComplete((d, e) -> worker.done());
            return nu;
          });
          if (!result.complete(new Reply(null, 0, r.queueNanos(), events))) {
            events.runWith(Sink.cancelled(), materializer);
          }
        } else {
          worker.done();
          result.complete(new Reply(r.value(), r.backendNanos(), r.queueNanos(), null));
        }
      });
    }

    /**
     * A worker refused before its backend saw the call: try another; a draining one's successor may
     * come; a worker whose breaker is open has none, so with no other worker left the call fails now.
     */
    private void elsewhere(Object worker, LlmException reason) {
      if (reason.kind() != ErrorKind.OVERLOADED && reason.kind() != ErrorKind.UNAVAILABLE) {
        result.completeExceptionally(reason);
        return;
      }
      Set<Object> more = new HashSet<>(tried);
      more.add(worker);
      tried = more;
      CompletableFuture<Void> change = routing.nextChange();
      RoutingTable table = routing.table();
      if (WorkerChoice.pick(local.of(model), LocalWorker::load, table.remote(model), RemoteWorker::load, tried, 0) != null) {
        next();
      } else if (reason instanceof CoolingDownException) {
        result.completeExceptionally(reason); // no successor is coming: answer 503 now
      } else if (reason.kind() == ErrorKind.UNAVAILABLE) {
        tried = Set.of();
        awaitWorker(table, false, change);
      } else {
        result.completeExceptionally(reason);
      }
    }

    /** No worker to call now: wait for the table to change, up to the listing grace; unknown models are looked up once. */
    private void awaitWorker(RoutingTable table, boolean noWorkers, CompletableFuture<Void> change) {
      if (noWorkers && !table.isDeployed(model)) {
        if (refreshAskedAt >= 0 && table.refreshes() > refreshAskedAt) {
          result.completeExceptionally(notDeployed(table));
          return;
        }
        if (refreshAskedAt < 0) {
          refreshAskedAt = table.refreshes();
          routing.requestRefresh();
        }
      }
      if (waiting.compareAndSet(false, true)) {
        waitTimer = scheduler.scheduleOnce(settings.listingGrace(), this::giveUpWaiting, context);
      }
      change.thenRunAsync(this::next, executor);
    }

    private void giveUpWaiting() {
      if (waiting.compareAndSet(true, false)) {
        RoutingTable table = routing.table();
        result.completeExceptionally(table.loaded() && !table.isDeployed(model) ? notDeployed(table)
            : new LlmException(ErrorKind.UNAVAILABLE, "model '" + model + "' has no live worker right now; check 'llm stat --model "
                + model + "' and retry"));
      }
    }

    private void stopWaiting() {
      if (waiting.compareAndSet(true, false)) {
        Cancellable t = waitTimer;
        if (t != null) {
          t.cancel();
        }
      }
    }

    private LlmException notDeployed(RoutingTable table) {
      return new LlmException(ErrorKind.MODEL_NOT_FOUND, "model '" + model + "' is not deployed; deployed models: "
          + table.deployedNames());
    }
  }
}
