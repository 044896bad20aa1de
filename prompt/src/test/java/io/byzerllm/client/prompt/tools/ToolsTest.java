package io.byzerllm.client.prompt.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolsTest {
  static final LocalDateTime NOW = LocalDateTime.of(2024, 6, 14, 15, 18, 2);
  final List<ToolSpec> tools = Tools.from(new DateTools(NOW));

  ToolSpec tool(String name) {
    return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void from_annotatedMethods_schemaWithTypesDescriptionsEnumsRequired() {
    JsonNode p = tool("compute_date_range").toJson().path("parameters");

    assertThat(tool("compute_date_range").description()).isEqualTo("计算日期范围");
    assertThat(p.path("properties").path("count").path("type").asText()).isEqualTo("integer");
    assertThat(p.path("properties").path("count").path("description").asText()).isEqualTo("时间跨度，数值类型");
    assertThat(p.path("properties").path("unit").path("enum").toString())
        .isEqualTo("[\"day\",\"week\",\"month\",\"year\"]");
    assertThat(p.path("required").toString()).isEqualTo("[\"count\",\"unit\"]");
  }

  @Test
  void from_recordAndEnumParameter_nestedObjectSchemaWithEnum() {
    JsonNode range = tool("range_start").parameters().path("properties").path("range");

    assertThat(range.path("type").asText()).isEqualTo("object");
    assertThat(range.path("properties").path("unit").path("enum").toString()).contains("\"month\"");
    assertThat(tool("range_start").parameters().path("required").toString()).isEqualTo("[\"range\"]");
  }

  @Test
  void apply_stringNumberAndEnum_convertedAndRun() throws Exception {
    Object value = tool("compute_date_range").function().apply(Map.of("count", "3", "unit", "month"));

    assertThat(value).isEqualTo(List.of("2024-03-14 15:18:02", "2024-06-14 15:18:02"));
  }

  @Test
  void apply_recordWithCaseInsensitiveEnumAndSingleValueList_converted() throws Exception {
    Object value = tool("range_start").function().apply(Map.of("range", Map.of("count", 2, "unit", "WEEK"),
        "tags", "x"));

    assertThat(value).isEqualTo("week:2:x");
  }

  @Test
  void apply_valueOutsideEnum_rejectedNamingAllowedValues() {
    assertThatThrownBy(() -> tool("compute_date_range").function().apply(Map.of("count", 1, "unit", "hour")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[day, week, month, year]");
  }

  @Test
  void apply_missingRequiredArgument_rejected() {
    assertThatThrownBy(() -> tool("compute_date_range").function().apply(Map.of("unit", "day")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing argument 'count'");
  }

  @Test
  void from_handWrittenToolSpecAmongAnnotated_keptAsGiven() throws Exception {
    ToolSpec echo = ToolSpec.of("echo", "repeats its text", null, args -> args.get("text"));

    List<ToolSpec> mixed = Tools.from(echo, new DateTools(NOW));

    assertThat(mixed).extracting(ToolSpec::name).containsExactly("echo", "compute_date_range", "compute_now",
        "range_start");
    assertThat(mixed.get(0).function().apply(Map.of("text", "hi"))).isEqualTo("hi");
    assertThat(mixed.get(0).parameters().path("type").asText()).isEqualTo("object");
  }

  @Test
  void parseCalls_listOfCallLists_lastOneWins() {
    var calls = FunctionCalling.parseCalls("```json\n[{\"tool_calls\":[{\"function\":{\"name\":\"a\",\"arguments\":{}}}]},"
        + "{\"tool_calls\":[{\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"x\\\": 1}\"}}]}]\n```").orElseThrow();

    assertThat(calls).containsExactly(new ToolCall("b", Map.of("x", 1)));
  }
}
