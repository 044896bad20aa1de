package io.byzerllm.server;

import java.util.concurrent.CompletionStage;

/**
 * One running node: a Pekko Cluster member with the HTTP API bound. {@link #start} returns once the
 * node is an Up member and its HTTP port answers; {@link #close} leaves the cluster and unbinds.
 */
public final class Node implements AutoCloseable {
  // IN PROGRESS: the implementation lands with the server module.
  private Node() {}

  /** Starts a node and waits until it serves; fails with a clear message (e.g. port in use). */
  public static Node start(NodeSettings settings) {
    throw new UnsupportedOperationException("server module is being written");
  }

  /** The bound HTTP port (the real one when the settings asked for 0). */
  public int httpPort() {
    throw new UnsupportedOperationException();
  }

  /** {@code http://host:port}, the address clients connect to. */
  public String httpUrl() {
    throw new UnsupportedOperationException();
  }

  /** {@code host:port} of the cluster endpoint, what {@code --join} takes. */
  public String clusterAddress() {
    throw new UnsupportedOperationException();
  }

  /** Completes when the node has stopped, whoever stopped it (close, HTTP shutdown, signal). */
  public CompletionStage<Void> whenTerminated() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
