package io.byzerllm.server.cluster;

import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** The Receptionist key under which each node's agent registers. */
public final class NodeKeys {
  public static final ServiceKey<NodeAgent.Command> AGENTS = ServiceKey.create(NodeAgent.Command.class, "node-agents");

  private NodeKeys() {}
}
