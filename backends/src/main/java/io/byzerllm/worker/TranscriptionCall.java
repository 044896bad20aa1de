package io.byzerllm.worker;

import java.util.List;

/**
 * Audio to transcribe ({@code /v1/audio/transcriptions}). {@code responseFormat} null means
 * {@code verbose_json} with segment and word timestamps, as byzerllm asks for.
 */
public record TranscriptionCall(byte[] audio, String fileName, String model, String language, String prompt,
                                String responseFormat, List<String> timestampGranularities, Double temperature) {
  public TranscriptionCall {
    if (audio == null || audio.length == 0) {
      throw new IllegalArgumentException("a transcription call needs audio");
    }
    fileName = fileName == null || fileName.isBlank() ? "audio.wav" : fileName;
    timestampGranularities = timestampGranularities == null ? List.of() : List.copyOf(timestampGranularities);
  }
}
