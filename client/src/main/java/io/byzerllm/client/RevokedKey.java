package io.byzerllm.client;

/**
 * The answer to a revoke: {@code existed} (false: no such key, nothing to do); {@code replicated}:
 * every node confirmed it, so every node refuses the key now (false: the rest follow within seconds).
 */
public record RevokedKey(String id, boolean existed, boolean replicated) {}
