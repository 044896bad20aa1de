package io.byzerllm.worker;

/** Synthesized audio and its media type, e.g. {@code audio/mpeg}. */
public record SpeechResult(byte[] audio, String contentType) {}
