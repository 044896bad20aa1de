package io.byzerllm.client.prompt;

/**
 * A yes/no answer, byzerllm's {@code types.Bool}: ask for {@code {"value": true}} and read it with
 * {@code withReturnType(Bool.class)}. A bare {@code true} in the answer is accepted too. A prompt
 * method may also declare {@code boolean} directly.
 */
public record Bool(boolean value) {}
