package io.byzerllm.examples;

import io.byzerllm.client.prompt.AudioPath;
import io.byzerllm.client.prompt.PromptFunctions;
import io.byzerllm.client.prompt.annotation.Prompt;
import java.io.PrintStream;

/**
 * Guide: "语音识别" — an {@code AudioPath} parameter sends the file as byzerllm's {@code {"audio": ...}}
 * content; the answer is the transcription's verbose JSON. Model default speech_to_text; {@code --audio PATH}.
 */
public final class SpeechToText {
  public interface Transcriber {
    @Prompt("{{ audio_file }}")
    String audioToText(AudioPath audio_file);
  }

  private SpeechToText() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "speech_to_text"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    Transcriber t = PromptFunctions.create(Transcriber.class, args.llm());
    String json = t.audioToText(AudioPath.of(args.option("audio", "output_audio.mp3")));
    out.println(json);
  }
}
