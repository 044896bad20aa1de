package io.byzerllm.server.keys;

/** What a key may do: ADMIN also deploys, undeploys, manages the cluster, keys and storage writes. */
public enum KeyRole { ADMIN, INFERENCE }
