package io.byzerllm.client.prompt;

import java.nio.file.Path;

/**
 * A prompt parameter that is an audio file, byzerllm's {@code types.AudioPath}: {@code {{ audio_file }}}
 * renders as {@code <_audio_>data:…</_audio_>}, and the prompt function sends it as byzerllm's
 * {@code {"audio": "data:…"}} content, which a speech-to-text deployment transcribes (the answer is the
 * transcription's JSON text).
 */
public record AudioPath(String value) {
  public AudioPath {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("AudioPath needs a file path");
    }
  }

  public static AudioPath of(String path) {
    return new AudioPath(path);
  }

  /** Reads the file now: {@code <_audio_>data:…</_audio_>}. */
  public String tagged() {
    return "<_audio_>" + Image.dataUrl(Path.of(value), "audio") + "</_audio_>";
  }
}
