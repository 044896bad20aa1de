package io.byzerllm.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/**
 * The JSON-lines form of a table that {@code llm storage export} writes and {@code import} reads: a first line
 * {@code {"byzer_table":{"database","table","fields":[..]}}}, then one row per line with every field, vectors as
 * arrays of numbers (so a table moves between stores without embedding its text again).
 */
final class TableLines {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HEADER = "byzer_table";

  record Header(String database, String table, List<Map<String, Object>> fields) {}

  private TableLines() {}

  static String header(Header h) throws java.io.IOException {
    return JSON.writeValueAsString(Map.of(HEADER, h));
  }

  static Header readHeader(String line, String source) throws java.io.IOException {
    Map<String, Header> m = line == null ? null : JSON.readValue(line, new TypeReference<Map<String, Header>>() {});
    if (m == null || m.get(HEADER) == null) {
      throw new IllegalArgumentException(source + " does not start with a {\"" + HEADER
          + "\": ...} line; export the table with `llm storage export` first");
    }
    return m.get(HEADER);
  }

  static Map<String, Object> row(String line) throws java.io.IOException {
    return JSON.readValue(line, new TypeReference<Map<String, Object>>() {});
  }
}
