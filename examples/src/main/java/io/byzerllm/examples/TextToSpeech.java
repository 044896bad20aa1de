package io.byzerllm.examples;

import io.byzerllm.client.SpeechOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Guide: "语音合成" — byzerllm's JSON content {@code {"input", "voice", "response_format"}} through
 * {@code chatOai} answers base64 audio. Model default openai_tts; {@code --out voice.mp3}.
 */
public final class TextToSpeech {
  private TextToSpeech() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "openai_tts"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    String request = Json.write(Map.of("input", "hello, open_tts", "voice", "alloy", "response_format", "mp3"));
    String base64 = args.llm().chatOai(List.of(Map.of("role", "user", "content", request))).get(0).output();
    byte[] audio = Base64.getDecoder().decode(base64);
    Path file = Path.of(args.option("out", "voice.mp3"));
    try {
      Files.write(file, audio);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    out.println("wrote " + audio.length + " bytes to " + file);

    // the typed client call does the same without the JSON convention
    byte[] direct = args.llm().speech(args.model(), "hello, open_tts", SpeechOptions.DEFAULTS);
    out.println("speech(): " + direct.length + " bytes");
  }
}
