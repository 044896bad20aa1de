package io.byzerllm.worker;

import java.util.concurrent.CompletionStage;

/**
 * A stream under way. {@code done} completes with the whole answer after the last delta, or
 * fails; {@code cancel} stops it early (the caller went away) and is safe to call more than once.
 */
public record StreamHandle(CompletionStage<ChatResult> done, Runnable cancel) {}
