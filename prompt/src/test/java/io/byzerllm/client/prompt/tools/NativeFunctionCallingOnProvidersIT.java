package io.byzerllm.client.prompt.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.Message;
import io.byzerllm.deploy.ModelSpec;
import io.byzerllm.deploy.ModelType;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import io.byzerllm.testkit.FakeClaudeServer;
import io.byzerllm.testkit.FakeGeminiServer;
import io.byzerllm.testkit.FakeUpstream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native function calling ({@link FunctionCalling#chatNative}) works on Claude and Gemini as on an
 * OpenAI-compatible provider: the node translates the tools to each provider's declarations and
 * the provider's call back to OpenAI {@code tool_calls}, which the prompt module runs.
 */
@Timeout(120)
class NativeFunctionCallingOnProvidersIT {
  @TempDir static Path home;
  static final List<ToolSpec> TOOLS = Tools.from(new DateTools(LocalDateTime.of(2024, 6, 14, 15, 19, 13)));
  static FakeClaudeServer claude;
  static FakeGeminiServer gemini;
  static Node node;
  static ByzerLLM llm;

  @BeforeAll
  static void start() {
    claude = FakeClaudeServer.start();
    gemini = FakeGeminiServer.start();
    node = Node.start(NodeSettings.ephemeral(home));
    llm = ByzerLLM.connect(node.httpUrl()).withApiKey(null);
    llm.deploy(ModelSpec.of("claude", ModelType.SAAS_CLAUDE, Map.of("saas.base_url", claude.baseUrl(),
        "saas.api_key", "sk-ant-prompt-test", "saas.model", "claude-test")));
    llm.deploy(ModelSpec.of("gemini", ModelType.SAAS_GEMINI, Map.of("saas.base_url", gemini.baseUrl(),
        "saas.api_key", "AIza-prompt-test", "saas.model", "gemini-test")));
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      claude.close();
      gemini.close();
    }
  }

  @Test
  void chatNative_claudeCallsATool_toolUseBecomesACallThatRuns() {
    FunctionCallResponse r = callWeekRange(claude, "claude");

    assertThat(r.values()).containsExactly(List.of("2024-06-07 15:19:13", "2024-06-14 15:19:13"));
    var tools = claude.lastRequest().json().path("tools");
    assertThat(tools).hasSize(3);
    assertThat(tools.findValuesAsText("name")).contains("compute_date_range");
    assertThat(tools.get(0).has("input_schema")).isTrue();
  }

  @Test
  void chatNative_geminiCallsATool_functionCallBecomesACallThatRuns() {
    FunctionCallResponse r = callWeekRange(gemini, "gemini");

    assertThat(r.values()).containsExactly(List.of("2024-06-07 15:19:13", "2024-06-14 15:19:13"));
    var declarations = gemini.lastRequest().json().at("/tools/0/functionDeclarations");
    assertThat(declarations).hasSize(3);
    assertThat(declarations.findValuesAsText("name")).contains("compute_date_range");
  }

  private static FunctionCallResponse callWeekRange(FakeUpstream<?> fake, String model) {
    fake.replyToolCall("compute_date_range", "{\"count\": 1, \"unit\": \"week\"}");
    return FunctionCalling.chatNative(llm.withDefaultModel(model), List.of(Message.user("最近一周")), TOOLS);
  }
}
