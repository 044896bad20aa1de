package io.byzerllm.client.prompt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.NodeFixture;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Function calling through a real node: the prompt the model gets, the tool chosen, conversion, failures. */
class FunctionCallingIT {
  @TempDir static Path home;
  static NodeFixture node;
  static final List<ToolSpec> TOOLS = Tools.from(new DateTools(LocalDateTime.of(2024, 6, 14, 15, 19, 13)));

  @BeforeAll
  static void start() {
    node = NodeFixture.start(home);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void clear() {
    node.clear();
  }

  @Test
  void chat_modelChoosesDateRangeWithEnum_runsItWithConvertedArguments() {
    node.fake.reply("好的。\n```json\n{\"id\": \"1\", \"type\": \"function\", \"tool_calls\": [{\"function\": "
        + "{\"name\": \"compute_date_range\", \"arguments\": {\"count\": \"3\", \"unit\": \"month\"}}}]}\n```");

    FunctionCallResponse r = FunctionCalling.chat(node.llm, List.of(Message.user("最近三个月趋势")), TOOLS);

    assertThat(r.values()).containsExactly(List.of("2024-03-14 15:19:13", "2024-06-14 15:19:13"));
    assertThat(r.selectedFunctions()).containsExactly("compute_date_range");
    assertThat(r.reason()).isEmpty();
    assertThat(r.succeeded()).isTrue();
  }

  @Test
  void chat_prompt_holdsAbilitySystemMessageToolSchemasInputAndCallSchema() {
    node.fake.reply("{\"tool_calls\": [{\"function\": {\"name\": \"compute_now\", \"arguments\": {}}}]}");

    FunctionCallResponse r = FunctionCalling.chat(node.llm, List.of(Map.of("role", "user", "content", "计算当前时间")),
        TOOLS);

    assertThat(r.values()).containsExactly("2024-06-14 15:19:13");
    var messages = node.chats().get(0).path("messages");
    assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
    assertThat(messages.get(0).path("content").asText()).contains("FUNCTION_CALLING");
    String question = messages.get(1).path("content").asText();
    assertThat(question).startsWith("请使用 FUNCTION_CALLING 相关的能力，解决用户的问题。")
        .contains("\"name\" : \"compute_date_range\"", "\"enum\" : [ \"day\", \"week\", \"month\", \"year\" ]")
        .contains("输入：计算当前时间").contains("\"tool_calls\"").endsWith("输出:");
  }

  @Test
  void chat_unknownToolName_nothingRunsAndReasonNamesIt() {
    node.fake.reply("{\"tool_calls\": [{\"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"x\"}}}]}");

    FunctionCallResponse r = FunctionCalling.chat(node.llm, List.of(Message.user("天气")), TOOLS);

    assertThat(r.values()).isEmpty();
    assertThat(r.selectedFunctions()).containsExactly("get_weather");
    assertThat(r.reason()).contains("'get_weather'").contains("compute_now");
    assertThat(r.succeeded()).isFalse();
  }

  @Test
  void chat_badEnumArgument_nothingRunsAndReasonSaysWhy() {
    node.fake.reply("{\"tool_calls\": [{\"function\": {\"name\": \"compute_date_range\", "
        + "\"arguments\": {\"count\": 3, \"unit\": \"hour\"}}}]}");

    FunctionCallResponse r = FunctionCalling.chat(node.llm, List.of(Message.user("三小时")), TOOLS);

    assertThat(r.values()).isEmpty();
    assertThat(r.reason()).contains("bad arguments for compute_date_range").contains("hour");
  }

  @Test
  void chat_answerWithoutToolCall_reasonQuotesIt() {
    node.fake.reply("我不需要工具就能回答：你好！");

    FunctionCallResponse r = FunctionCalling.chat(node.llm, List.of(Message.user("你好")), TOOLS);

    assertThat(r.calls()).isEmpty();
    assertThat(r.reason()).contains("no tool call").contains("你好！");
  }

  @Test
  void chat_executeToolFalse_callsParsedButNothingRuns() {
    node.fake.reply("{\"tool_calls\": [{\"function\": {\"name\": \"compute_now\", \"arguments\": {}}}]}");

    FunctionCallResponse r = FunctionCalling.chat(node.llm, List.of(Message.user("现在几点")), TOOLS, false);

    assertThat(r.calls()).containsExactly(new ToolCall("compute_now", Map.of()));
    assertThat(r.values()).isEmpty();
    assertThat(r.reason()).isEmpty();
  }

  @Test
  void chatNative_providerToolCall_toolsSentAndCallRun() {
    node.fake.replyToolCall("compute_date_range", "{\"count\": 1, \"unit\": \"week\"}");

    FunctionCallResponse r = FunctionCalling.chatNative(node.llm, List.of(Message.user("最近一周")), TOOLS);

    assertThat(r.values()).containsExactly(List.of("2024-06-07 15:19:13", "2024-06-14 15:19:13"));
    var sentTools = node.chats().get(0).path("tools");
    assertThat(sentTools).hasSize(3);
    assertThat(sentTools.get(0).path("type").asText()).isEqualTo("function");
    assertThat(sentTools.get(0).path("function").path("name").asText()).isEqualTo("compute_date_range");
  }
}
