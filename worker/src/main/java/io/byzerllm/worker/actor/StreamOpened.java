package io.byzerllm.worker.actor;

import org.apache.pekko.stream.SourceRef;

/**
 * A stream has started: its events arrive through {@code events}, which the receiver must run at
 * once (a stream ref must be subscribed within its subscription timeout).
 */
public record StreamOpened(SourceRef<StreamEvent> events) {}
