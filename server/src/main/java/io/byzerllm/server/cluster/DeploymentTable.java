package io.byzerllm.server.cluster;

import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.Key;

/** The Distributed Data key of the deployment table (model name to record), kept durable on every node. */
public final class DeploymentTable {
  public static final Key<LWWMap<String, DeploymentRecord>> KEY = LWWMapKey.create("deployments");

  private DeploymentTable() {}
}
