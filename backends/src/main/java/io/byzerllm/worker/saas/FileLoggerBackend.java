package io.byzerllm.worker.saas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.byzerllm.deploy.Capability;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.worker.BackendContext;
import io.byzerllm.worker.ChatCall;
import io.byzerllm.worker.ChatDelta;
import io.byzerllm.worker.ChatMessage;
import io.byzerllm.worker.ChatResult;
import io.byzerllm.worker.ModelBackend;
import io.byzerllm.worker.StreamHandle;
import io.byzerllm.worker.Usage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code saas/filelogger}, byzerllm's test double: appends each chat's messages to {@code saas.log_file}
 * as one JSON line and answers {@value #ANSWER} (a stream sends it one character a delta). It sends
 * nothing over the network. A relative {@code saas.log_file} is under the node's home; the default
 * is {@code filelogger.json} there.
 *
 * <p>The file is written on the context's blocking executor, never on the caller's thread; lines of
 * concurrent calls (from any worker of this JVM) never interleave.
 */
public final class FileLoggerBackend implements ModelBackend {
  /** What every call answers, as byzerllm's filelogger does. */
  public static final String ANSWER = "Messages logged successfully";
  private static final String DEFAULT_FILE = "filelogger.json";
  // Workers of one deployment share the file: one lock per file keeps each line whole.
  private static final Map<Path, Object> FILE_LOCKS = new ConcurrentHashMap<>();

  private final Path logFile;
  private final String model;
  private final Executor executor;

  private FileLoggerBackend(Path logFile, String model, Executor executor) {
    this.logFile = logFile;
    this.model = model;
    this.executor = executor;
  }

  /** Opens the backend; a {@code saas.log_file} that cannot be created or appended to fails naming it. */
  public static FileLoggerBackend open(BackendContext ctx) {
    String raw = ctx.spec().param("saas.log_file", DEFAULT_FILE).trim();
    if (raw.isEmpty()) {
      throw new InvalidSpecException("saas.log_file is empty; give the path of the file to append requests to");
    }
    Path file = ctx.home().resolve(raw).toAbsolutePath().normalize();
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      try (FileChannel ignored = append(file)) {
        // opened for appending, created if absent: the first call will be able to write
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidSpecException("saas.log_file '" + raw + "' cannot be appended to (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); give a writable path");
    }
    return new FileLoggerBackend(file, ctx.spec().param("saas.model", "filelogger"), ctx.blockingExecutor());
  }

  @Override
  public Set<Capability> capabilities() {
    return ModelType.SAAS_FILELOGGER.capabilities();
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", "filelogger");
    out.put("type", ModelType.SAAS_FILELOGGER.id());
    out.put("log_file", logFile.toString());
    out.put("upstream_model", model);
    return out;
  }

  @Override
  public CompletionStage<ChatResult> chat(ChatCall call) {
    return CompletableFuture.supplyAsync(() -> {
      log(call);
      return result(call);
    }, executor);
  }

  /** Deltas and {@code done} come from one task, so no delta follows {@code done}; a cancel ends it at the next delta. */
  @Override
  public StreamHandle stream(ChatCall call, Consumer<ChatDelta> onDelta) {
    CompletableFuture<ChatResult> done = new CompletableFuture<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    executor.execute(() -> {
      try {
        log(call);
        for (int i = 0; i < ANSWER.length(); i++) {
          if (cancelled.get()) {
            done.completeExceptionally(new CancellationException("the stream was cancelled"));
            return;
          }
          onDelta.accept(ChatDelta.text(ANSWER.substring(i, i + 1)));
        }
        onDelta.accept(new ChatDelta(null, null, "stop", usage(), null));
        done.complete(result(call));
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    return new StreamHandle(done, () -> cancelled.set(true));
  }

  private ChatResult result(ChatCall call) {
    return new ChatResult(call.requestId(), ANSWER, null, "stop", usage(), model, null, 0);
  }

  // byzerllm's filelogger counts one generated token a character and no prompt tokens
  private static Usage usage() {
    return new Usage(0, ANSWER.length());
  }

  /** Appends the call's messages as one JSON line: {@code [{"role": ..., "content": ...}, ...]}. */
  private void log(ChatCall call) {
    ArrayNode messages = SaasJson.MAPPER.createArrayNode();
    for (ChatMessage m : call.messages()) {
      messages.addObject().put("role", m.role()).set("content", m.content());
    }
    byte[] line;
    try {
      line = (SaasJson.MAPPER.writeValueAsString(messages) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new LlmException(ErrorKind.INTERNAL, "cannot write the messages of " + call.requestId() + " as JSON", e);
    }
    synchronized (FILE_LOCKS.computeIfAbsent(logFile, f -> new Object())) {
      try (FileChannel out = append(logFile)) {
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      } catch (IOException e) {
        throw new LlmException(ErrorKind.INTERNAL, "cannot append to saas.log_file " + logFile + ": " + e.getMessage(), e);
      }
    }
  }

  private static FileChannel append(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public void close() {
    // nothing held between calls: each line opens and closes the file
  }

  @Override
  public String toString() {
    return "FileLoggerBackend[log_file=" + logFile + "]";
  }
}
