package io.byzerllm.worker.actor;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;

/** A node's name as users see it and pass to {@code --join}: {@code host:port} of its cluster endpoint. */
public final class NodeName {
  private NodeName() {}

  public static String of(Address address) {
    return address.getHost().orElse("local") + ":" + address.getPort().map(String::valueOf).orElse("0");
  }

  public static String of(ActorSystem<?> system) {
    return of(system.address());
  }
}
