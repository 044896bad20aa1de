package io.byzerllm.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads the {@code data} of one server-sent event after another (multi-line data joined by newlines). */
final class ServerSentEvents implements AutoCloseable {
  private final BufferedReader reader;

  ServerSentEvents(InputStream in) {
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The next event's data, or {@code null} at the end of the body. */
  String next() throws IOException {
    StringBuilder data = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return data.toString();
        }
      } else if (line.startsWith("data:")) {
        String value = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
      // comments (":...") and other fields (event, id, retry) carry nothing we use
    }
    return data == null ? null : data.toString();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
