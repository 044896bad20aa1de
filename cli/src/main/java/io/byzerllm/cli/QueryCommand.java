package io.byzerllm.cli;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.ChatStream;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.Message;
import io.byzerllm.client.ModelInfo;
import io.byzerllm.client.SpeechOptions;
import io.byzerllm.client.StreamChunk;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.ModelType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code llm query}: one question to a deployed model. A chat model answers (streamed with
 * {@code --stream}); a model that can only embed (e.g. custom/bge) prints the query's vector; an audio
 * {@code --output_file} turns the query into speech.
 */
@Command(name = "query", mixinStandardHelpOptions = true, description = "Ask a deployed model once: chat, embedding, or speech to a file.")
final class QueryCommand implements Callable<Integer> {
  private static final Set<String> AUDIO = Set.of("mp3", "wav", "opus", "flac", "aac", "pcm");
  private static final int SHOWN_VALUES = 8;

  @Mixin
  ClusterOptions cluster;

  @Mixin
  OutputOptions output;

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "The deployed model to ask.")
  String model;

  @Option(names = "--query", required = true, paramLabel = "TEXT", description = "The text to send.")
  String query;

  @Option(names = "--stream", description = "Print the answer as it is written.")
  boolean stream;

  @Option(names = {"--output_file", "--output-file"}, paramLabel = "FILE",
      description = "Write the answer to FILE; .mp3/.wav/.opus/.flac/.aac/.pcm make speech of the query.")
  Path outputFile;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    ByzerLLM llm = cluster.connect();
    String ext = outputFile == null ? "" : extension(outputFile);
    if (AUDIO.contains(ext)) {
      byte[] audio = llm.speech(model, query, SpeechOptions.DEFAULTS.withResponseFormat(ext));
      return wrote(write(audio), audio.length);
    }
    if (embedsOnly(llm)) {
      return embedding(llm.embQuery(model, query));
    }
    if (stream && !output.json && outputFile == null) {
      return streamed(llm);
    }
    LLMResponse r = llm.chatOai(model, List.of(Message.user(query)), Map.of()).get(0);
    if (outputFile != null) {
      byte[] text = r.output().getBytes(StandardCharsets.UTF_8);
      return wrote(write(text), text.length);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(output.json ? Json.pretty(Map.of("model", model, "output", r.output(), "metadata", r.metadata()))
        : r.output());
    out.flush();
    return 0;
  }

  private int streamed(ByzerLLM llm) {
    PrintWriter out = spec.commandLine().getOut();
    try (ChatStream chunks = llm.streamChatOai(model, List.of(Message.user(query)), true, Map.of())) {
      for (StreamChunk c : chunks) {
        out.print(c.text());
        out.flush();
      }
    }
    out.println();
    out.flush();
    return 0;
  }

  private int embedding(float[] v) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("model", model);
      json.put("dim", v.length);
      json.put("embedding", v);
      out.println(Json.pretty(json));
    } else {
      StringBuilder sb = new StringBuilder("dim=" + v.length + " [");
      for (int i = 0; i < Math.min(SHOWN_VALUES, v.length); i++) {
        sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", v[i]));
      }
      out.println(sb.append(v.length > SHOWN_VALUES ? ", ...]" : "]"));
    }
    out.flush();
    return 0;
  }

  /** True when the model can embed but not chat; an unknown model is left to the chat call's 404. */
  private boolean embedsOnly(ByzerLLM llm) {
    ModelInfo info = llm.listModels().stream().filter(m -> m.id().equals(model)).findFirst().orElse(null);
    if (info == null) {
      return false;
    }
    Set<String> can = info.capabilities().stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    if (can.isEmpty()) {
      try {
        can = ModelType.parse(info.pretrainedModelType()).capabilities().stream()
            .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      } catch (InvalidSpecException unknownType) {
        return false;
      }
    }
    return !can.contains("chat") && can.contains("embedding");
  }

  private Path write(byte[] content) {
    try {
      Path parent = outputFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return Files.write(outputFile, content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write --output_file " + outputFile + ": " + e.getMessage(), e);
    }
  }

  private int wrote(Path path, int bytes) {
    PrintWriter out = spec.commandLine().getOut();
    out.println("wrote " + bytes + " bytes to " + path);
    out.flush();
    return 0;
  }

  private static String extension(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
