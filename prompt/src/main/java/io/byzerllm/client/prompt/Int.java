package io.byzerllm.client.prompt;

/** An integer answer, byzerllm's {@code types.Int}: {@code {"value": 42}} or a bare {@code 42}. */
public record Int(long value) {}
