package io.byzerllm.server.link;

import io.byzerllm.worker.CborSerializable;
import io.byzerllm.worker.actor.Work;

/** One call over a node link: {@code work} for the worker whose actor is named {@code worker} on the receiving node. */
public record LinkCall(long id, String worker, Work work) implements CborSerializable {}
