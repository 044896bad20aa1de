package io.byzerllm.server.http;

import io.byzerllm.server.link.NodeLinks;
import java.util.OptionalInt;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.concat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.byzerllm.deploy.Resources;
import io.byzerllm.server.cluster.NodeDescription;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import io.byzerllm.worker.actor.NodeName;

/** {@code /api/cluster} (nodes, resources, use) and {@code /api/node/shutdown}; {@code /health} lives in HttpApi. */
public final class ClusterRoutes {
  private final ClusterView view;
  private final Cluster cluster;
  private final Runnable shutdown;

  public ClusterRoutes(ClusterView view, Cluster cluster, Runnable shutdown) {
    this.view = view;
    this.cluster = cluster;
    this.shutdown = shutdown;
  }

  public Route route() {
    return concat(
        path("cluster", () -> get(() -> completeWithFuture(describe()))),
        pathPrefix("node", () -> path("shutdown", () -> post(() -> {
          shutdown.run();
          ObjectNode body = Json.newObject();
          body.put("status", "stopping");
          return complete(Json.response(202, body));
        }))));
  }

  private CompletionStage<HttpResponse> describe() {
    return view.table().thenApply(t -> {
      ObjectNode root = Json.newObject();
      root.put("self", NodeName.of(cluster.selfMember().address()));
      root.put("leader", cluster.state().getLeader() == null ? null : NodeName.of(cluster.state().getLeader()));
      ArrayNode nodes = root.putArray("nodes");
      for (Member m : cluster.state().getMembers()) {
        String name = NodeName.of(m.address());
        NodeDescription d = t.nodes().stream().filter(n -> n.address().equals(name)).findFirst().orElse(null);
        ObjectNode n = nodes.addObject();
        n.put("address", name);
        n.put("http", d == null ? null : d.httpUrl());
        OptionalInt link = NodeLinks.portIn(m.getRoles());
        n.put("link", link.isPresent() && m.address().getHost().isPresent()
            ? m.address().getHost().get() + ":" + link.getAsInt() : null);
        n.put("status", m.status().toString().toLowerCase(java.util.Locale.ROOT));
        n.set("resources", resources(d == null ? Resources.NONE : d.total()));
        n.set("used", resources(t.used().getOrDefault(name, Resources.NONE)));
      }
      return Json.ok(root);
    }).exceptionally(ApiErrors::response);
  }

  private static ObjectNode resources(Resources r) {
    ObjectNode n = Json.newObject();
    n.put("cpus", r.cpus());
    n.put("gpus", r.gpus());
    return n;
  }
}
