package io.byzerllm.worker;

/**
 * A transcription as the provider returned it: {@code body} in {@code contentType} (JSON for
 * json/verbose_json, plain text for text/srt/vtt), and the recognised {@code text} on its own.
 */
public record TranscriptionResult(String body, String contentType, String text) {}
