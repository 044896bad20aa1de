package io.byzerllm.client.prompt;

/**
 * A floating-point answer, byzerllm's {@code types.Float}: {@code {"value": 0.5}} or a bare {@code 0.5}.
 * Named {@code Num} so that it does not clash with {@link java.lang.Float}.
 */
public record Num(double value) {}
