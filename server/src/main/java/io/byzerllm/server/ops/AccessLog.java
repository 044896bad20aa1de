package io.byzerllm.server.ops;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per answered request, written by a thread of its own: a request thread only offers
 * a record to a bounded queue (when the queue is full the line is dropped and counted, never
 * waited for). The writer takes what has queued every {@code flushInterval} and flushes once per
 * batch: it never waits on the queue, so an offer wakes no thread, and a busy node makes one write
 * per interval rather than one per request. The file rotates by size: {@code access.log} becomes {@code access.log.1}, and so on
 * up to {@code maxFiles} old files. A line holds the key's id, never the key.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  private static final JsonFactory JSON = new JsonFactory();

  /** One answered request, as the writer thread formats it. */
  public record Line(long epochMillis, String model, String endpoint, int status, long latencyMicros,
                     long queueMicros, long backendMicros, int promptTokens, int completionTokens, String keyId) {}

  private static final Line STOP = new Line(0, null, null, 0, 0, 0, 0, 0, 0, null);

  private final Path file;
  private final long maxBytes;
  private final int maxFiles;
  private final BlockingQueue<Line> queue;
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private final long flushIntervalNanos;
  private OutputStream out;
  private long written;

  public AccessLog(Path file, long maxBytes, int maxFiles, int queueSize, Duration flushInterval) {
    this.file = file;
    this.flushIntervalNanos = flushInterval.toNanos();
    this.maxBytes = maxBytes;
    this.maxFiles = Math.max(1, maxFiles);
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.writer = new Thread(this::run, "llm-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  public Path file() {
    return file;
  }

  /** Queues a line; never blocks (a full queue drops it). */
  public void offer(Line line) {
    if (!queue.offer(line)) {
      dropped.increment();
    }
  }

  /** Lines dropped because the writer fell behind. */
  public long dropped() {
    return dropped.sum();
  }

  private void run() {
    try {
      open();
      List<Line> batch = new ArrayList<>();
      boolean stopped = false;
      while (!stopped) {
        queue.drainTo(batch);
        if (batch.isEmpty()) {
          LockSupport.parkNanos(flushIntervalNanos);
          if (Thread.currentThread().isInterrupted()) {
            break; // an interrupted writer stops: park would return at once from now on
          }
          continue;
        }
        for (Line line : batch) {
          if (line == STOP) {
            stopped = true;
            break;
          }
          write(line);
        }
        batch.clear();
        out.flush(); // what is written is on disk for whoever tails the file
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("the access log {} stopped: {}", file, e.toString());
    } finally {
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException e) {
        LOG.warn("closing the access log {}: {}", file, e.toString());
      }
    }
  }

  private void open() throws IOException {
    Files.createDirectories(file.getParent());
    written = Files.exists(file) ? Files.size(file) : 0;
    out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16);
  }

  private void write(Line l) throws IOException {
    if (written >= maxBytes) {
      rotate();
    }
    CountingStream counting = new CountingStream(out);
    try (JsonGenerator g = JSON.createGenerator(counting)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.writeStartObject();
      g.writeStringField("time", Instant.ofEpochMilli(l.epochMillis()).toString());
      g.writeStringField("model", l.model());
      g.writeStringField("endpoint", l.endpoint());
      g.writeNumberField("status", l.status());
      g.writeNumberField("latency_ms", l.latencyMicros() / 1000.0);
      g.writeNumberField("queue_ms", l.queueMicros() / 1000.0);
      g.writeNumberField("backend_ms", l.backendMicros() / 1000.0);
      g.writeNumberField("prompt_tokens", l.promptTokens());
      g.writeNumberField("completion_tokens", l.completionTokens());
      g.writeStringField("key_id", l.keyId());
      g.writeEndObject();
    }
    counting.write('\n');
    written += counting.count;
  }

  private void rotate() throws IOException {
    out.close();
    for (int i = maxFiles - 1; i >= 1; i--) {
      Path older = Path.of(file + "." + i);
      if (Files.exists(older)) {
        Files.move(older, Path.of(file + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(file, Path.of(file + ".1"), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(Path.of(file + "." + (maxFiles + 1)));
    open();
  }

  /** Stops the writer once what is queued is written (waiting at most 5 s). */
  @Override
  public void close() {
    try {
      queue.offer(STOP, 5, TimeUnit.SECONDS);
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts the bytes of one line on their way to the file. */
  private static final class CountingStream extends OutputStream {
    private final OutputStream target;
    long count;

    CountingStream(OutputStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
      target.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      target.write(b, off, len);
      count += len;
    }
  }
}
