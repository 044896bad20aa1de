package io.byzerllm.worker.saas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.byzerllm.worker.Usage;
import io.byzerllm.worker.openai.UsageParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The events of an OpenAI-compatible stream passed on as bytes: each one read in one streaming pass
 * for what the node needs (usage, finish reason, an error), never as a tree, and written for the
 * caller as the provider's bytes with only the top-level {@code id} and {@code model} replaced.
 * Fields we never interpret (tool-call fragments, logprobs, reasoning, a provider's extras) are
 * bytes we copy. Stateless and thread-safe.
 */
final class OpenAiFrames {
  private static final JsonFactory JSON = SaasJson.MAPPER.getFactory();
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

  private final byte[] id;
  private final byte[] model;

  /** Frames rewritten to carry our request {@code id} and the deployment's {@code model} name. */
  OpenAiFrames(String id, String model) {
    this.id = quoted(id);
    this.model = quoted(model);
  }

  /** What one event is. */
  sealed interface Frame {
    /**
     * A {@code chat.completion.chunk}: {@code bytes} for the caller (a whole event, blank line
     * included); {@code choices} says whether it had any (the usage chunk has none); {@code usage},
     * {@code finishReason} and {@code upstreamModel} are null where the chunk has none.
     */
    record Chunk(byte[] bytes, boolean choices, Usage usage, String finishReason, String upstreamModel) implements Frame {}

    /** {@code data: [DONE]}, the provider's end of the stream. */
    record Done() implements Frame {}

    /** An error event ({@code event: error}, or data with a top-level {@code error}), with the provider's message. */
    record Failed(String message) implements Frame {}

    /**
     * An event we do not read, passed on as it came: a comment or keep-alive, an event without data,
     * data that is not a JSON object.
     */
    record Passed(byte[] bytes, boolean data) implements Frame {}
  }

  /** Reads one event's frame ({@link SseFrames}: its lines with their ends, without the blank line). */
  Frame read(byte[] frame) {
    ByteArrayOutputStream fields = null; // lines other than data and comments (event:, id:, retry:), kept as they came
    byte[] data = null;
    boolean multiLine = false;
    String event = null;
    int at = 0;
    while (at < frame.length) {
      int end = at;
      while (end < frame.length && frame[end] != '\n' && frame[end] != '\r') {
        end++;
      }
      int next = end < frame.length && frame[end] == '\r' && end + 1 < frame.length && frame[end + 1] == '\n' ? end + 2 : end + 1;
      if (startsWith(frame, at, end, "data:")) {
        int from = valueStart(frame, at + 5, end);
        if (data == null) {
          data = Arrays.copyOfRange(frame, from, end);
        } else {
          multiLine = true;
          byte[] joined = Arrays.copyOf(data, data.length + 1 + end - from);
          joined[data.length] = '\n';
          System.arraycopy(frame, from, joined, data.length + 1, end - from);
          data = joined;
        }
      } else if (end > at && frame[at] != ':') {
        if (startsWith(frame, at, end, "event:")) {
          event = new String(frame, valueStart(frame, at + 6, end), end - valueStart(frame, at + 6, end), StandardCharsets.UTF_8);
        }
        if (fields == null) {
          fields = new ByteArrayOutputStream();
        }
        fields.write(frame, at, Math.min(next, frame.length) - at);
      }
      at = next;
    }
    if (data == null) {
      return new Frame.Passed(whole(frame), false);
    }
    if ("error".equals(event)) {
      return new Frame.Failed(UpstreamErrors.providerMessage(data));
    }
    if (isDone(data)) {
      return new Frame.Done();
    }
    Scan scan = Scan.of(data);
    if (scan == null) {
      return new Frame.Passed(whole(frame), true);
    }
    if (scan.error) {
      return new Frame.Failed(UpstreamErrors.providerMessage(data));
    }
    byte[] payload = scan.rewritten(data, id, model);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 16 + (fields == null ? 0 : fields.size()));
    if (fields != null) {
      out.writeBytes(fields.toByteArray());
    }
    writeData(out, payload, multiLine);
    out.write('\n');
    return new Frame.Chunk(out.toByteArray(), scan.choices > 0, scan.usage, scan.finishReason, scan.upstreamModel);
  }

  /** The frame as it came, ended by a blank line. */
  private static byte[] whole(byte[] frame) {
    boolean endsLine = frame.length > 0 && (frame[frame.length - 1] == '\n' || frame[frame.length - 1] == '\r');
    byte[] out = Arrays.copyOf(frame, frame.length + (endsLine ? 1 : 2));
    out[out.length - 1] = '\n';
    if (!endsLine) {
      out[out.length - 2] = '\n';
    }
    return out;
  }

  /** One {@code data:} line, or one per line of a payload that came on several (the SSE rule joined them with \n). */
  private static void writeData(ByteArrayOutputStream out, byte[] payload, boolean multiLine) {
    int from = 0;
    if (multiLine) {
      for (int i = 0; i < payload.length; i++) {
        if (payload[i] == '\n') {
          out.write(DATA, 0, DATA.length);
          out.write(payload, from, i - from);
          out.write('\n');
          from = i + 1;
        }
      }
    }
    out.write(DATA, 0, DATA.length);
    out.write(payload, from, payload.length - from);
    out.write('\n');
  }

  /** What one streaming pass over a chunk's JSON found; null from {@link #of} when the data is not a JSON object. */
  private static final class Scan {
    int idAt = -1;
    int modelAt = -1;
    boolean error;
    int choices;
    Usage usage;
    String finishReason;
    String upstreamModel;

    static Scan of(byte[] data) {
      Scan s = new Scan();
      try (JsonParser p = JSON.createParser(data)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "id" -> {
              if (value == JsonToken.VALUE_STRING) {
                s.idAt = (int) p.currentTokenLocation().getByteOffset();
              } else {
                p.skipChildren(); // not a string: left as it came
              }
            }
            case "model" -> {
              if (value == JsonToken.VALUE_STRING) {
                s.modelAt = (int) p.currentTokenLocation().getByteOffset();
                s.upstreamModel = p.getText();
              } else {
                p.skipChildren();
              }
            }
            case "error" -> {
              s.error = value != JsonToken.VALUE_NULL;
              p.skipChildren();
            }
            case "usage" -> {
              if (value == JsonToken.START_OBJECT) {
                s.usage = UsageParser.read(p);
              } else {
                p.skipChildren();
              }
            }
            case "choices" -> {
              if (value == JsonToken.START_ARRAY) {
                s.choices(p);
              } else {
                p.skipChildren();
              }
            }
            default -> p.skipChildren();
          }
        }
        return p.currentToken() == JsonToken.END_OBJECT ? s : null;
      } catch (IOException e) {
        return null; // not JSON: passed on as it came
      }
    }

    private void choices(JsonParser p) throws IOException {
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        choices++;
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("finish_reason") && value == JsonToken.VALUE_STRING) {
            finishReason = p.getText();
          } else {
            p.skipChildren();
          }
        }
      }
    }

    /** The data with the top-level id and model strings replaced, every other byte as it came. */
    byte[] rewritten(byte[] data, byte[] id, byte[] model) {
      int first = idAt;
      byte[] firstValue = id;
      int second = modelAt;
      byte[] secondValue = model;
      if (first < 0 || (second >= 0 && second < first)) {
        first = modelAt;
        firstValue = model;
        second = idAt;
        secondValue = id;
      }
      if (first < 0) {
        return data;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 64);
      int firstEnd = stringEnd(data, first);
      out.write(data, 0, first);
      out.write(firstValue, 0, firstValue.length);
      int from = firstEnd;
      if (second >= 0) {
        out.write(data, from, second - from);
        out.write(secondValue, 0, secondValue.length);
        from = stringEnd(data, second);
      }
      out.write(data, from, data.length - from);
      return out.toByteArray();
    }
  }

  /** The index after the closing quote of the JSON string that opens at {@code quote}. */
  private static int stringEnd(byte[] data, int quote) {
    int i = quote + 1;
    while (data[i] != '"') {
      i += data[i] == '\\' ? 2 : 1;
    }
    return i + 1;
  }

  private static boolean isDone(byte[] data) {
    int from = 0;
    int to = data.length;
    while (from < to && data[from] <= ' ') {
      from++;
    }
    while (to > from && data[to - 1] <= ' ') {
      to--;
    }
    return to - from == 6 && startsWith(data, from, to, "[DONE]");
  }

  private static boolean startsWith(byte[] b, int from, int to, String ascii) {
    if (to - from < ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (b[from + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int valueStart(byte[] b, int colonEnd, int lineEnd) {
    return colonEnd < lineEnd && b[colonEnd] == ' ' ? colonEnd + 1 : colonEnd;
  }

  private static byte[] quoted(String s) {
    byte[] inner = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    byte[] out = new byte[inner.length + 2];
    out[0] = '"';
    System.arraycopy(inner, 0, out, 1, inner.length);
    out[out.length - 1] = '"';
    return out;
  }
}
