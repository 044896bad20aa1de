package io.byzerllm.server.cluster;

import io.byzerllm.deploy.Resources;
import io.byzerllm.worker.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/** A node as the controller sees it: cluster address, HTTP address, the resources it offers, its agent. */
public record NodeDescription(String address, String httpUrl, Resources total, ActorRef<NodeAgent.Command> agent)
    implements CborSerializable {}
