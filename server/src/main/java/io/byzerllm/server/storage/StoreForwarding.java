package io.byzerllm.server.storage;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.server.http.ApiErrors;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Any node answers for any store: a request for a store this node does not hold goes, as it came
 * (method, path, body, API key), to the node that holds it, once (a forwarded request is never
 * forwarded again), and its answer comes back as the holder gave it.
 */
public final class StoreForwarding {
  static final String FORWARDED = "x-llm-storage-forwarded";

  private final ActorSystem<?> system;
  private final NodeStores stores;
  private final ActorRef<StoreLocations.Command> locations;
  private final AtomicReference<Map<String, String>> snapshot;
  private final Supplier<String> selfUrl;
  private final Duration timeout;

  public StoreForwarding(ActorSystem<?> system, NodeStores stores, Supplier<String> selfUrl, Duration timeout) {
    this.system = system;
    this.stores = stores;
    this.selfUrl = selfUrl;
    this.timeout = timeout;
    this.snapshot = new AtomicReference<>(Map.of());
    this.locations = system.systemActorOf(StoreLocations.create(snapshot, timeout), "storage-locations", Props.empty());
  }

  /** {@code local} when this node holds {@code cluster} (or the request was forwarded here); else the holder answers. */
  Route toHolder(String cluster, Supplier<Route> local) {
    if (stores.held(cluster).isPresent()) {
      return local.get();
    }
    return extractRequest(request -> request.getHeader(FORWARDED).isPresent() ? local.get()
        : completeWithFuture(holder(cluster).thenCompose(url -> url == null
            ? CompletableFuture.completedFuture(ApiErrors.response(NodeStores.notRunning(cluster)))
            : forward(url, request))));
  }

  /** The HTTP address of another node that holds {@code cluster}, or null. */
  CompletionStage<String> heldElsewhere(String cluster) {
    return holders().thenApply(all -> other(all.get(cluster)));
  }

  /** Every store the cluster knows of → its holder's HTTP address. */
  CompletionStage<Map<String, String>> holders() {
    return AskPattern.ask(locations, StoreLocations.Read::new, timeout, system.scheduler());
  }

  /** Tells the cluster that this node holds {@code cluster}. */
  public CompletionStage<Done> announce(String cluster) {
    return AskPattern.ask(locations, r -> new StoreLocations.Put(cluster, selfUrl.get(), r), timeout.plusSeconds(1),
        system.scheduler());
  }

  /** Tells the cluster that this node no longer holds {@code cluster}. */
  CompletionStage<Done> withdraw(String cluster) {
    return AskPattern.ask(locations, r -> new StoreLocations.Remove(cluster, selfUrl.get(), r), timeout.plusSeconds(1),
        system.scheduler());
  }

  private CompletionStage<String> holder(String cluster) {
    String known = other(snapshot.get().get(cluster));
    return known != null ? CompletableFuture.completedFuture(known) : heldElsewhere(cluster);
  }

  private String other(String url) {
    return url == null || url.equals(selfUrl.get()) ? null : url;
  }

  private CompletionStage<HttpResponse> forward(String holderUrl, HttpRequest request) {
    HttpRequest out = HttpRequest.create(holderUrl + request.getUri().path()
            + request.getUri().rawQueryString().map(q -> "?" + q).orElse(""))
        .withMethod(request.method())
        .withEntity(request.entity())
        .addHeader(RawHeader.create(FORWARDED, selfUrl.get()));
    out = request.getHeader("Authorization").map(out::addHeader).orElse(out);
    return Http.get(system).singleRequest(out).exceptionally(e -> ApiErrors.response(new LlmException(
        ErrorKind.UNAVAILABLE, "the store is held by the node at " + holderUrl + ", which does not answer (" + e.getMessage()
        + "); start that node again, or stop the store there and start it on another", e)));
  }
}
