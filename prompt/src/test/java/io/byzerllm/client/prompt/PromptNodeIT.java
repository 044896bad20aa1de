package io.byzerllm.client.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fluent prompt functions through a real node to a scripted upstream: what is sent, what comes back. */
class PromptNodeIT {
  @TempDir static Path home;
  static NodeFixture node;

  record Story(String title, String body) {}

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
  void run_helloTemplate_sendsRenderedPromptAndReturnsAnswer() {
    var hello = Prompt.of("""
        你好, {{ q }}
        """);

    String answer = hello.withLlm(node.llm).run("q", "你是谁");

    assertThat(answer).isEqualTo("echo: 你好, 你是谁");
    assertThat(node.chats()).hasSize(1);
    assertThat(node.chats().get(0).path("messages").toString())
        .isEqualTo("[{\"role\":\"user\",\"content\":\"你好, 你是谁\"}]");
  }

  @Test
  void prompt_renderOnly_sendsNothing() {
    String text = Prompt.of("你好, {{ q }}").prompt(Map.of("q", "你是谁"));

    assertThat(text).isEqualTo("你好, 你是谁");
    assertThat(node.chats()).isEmpty();
  }

  @Test
  void run_responseMarkersWithTinyMaxLength_continuesUntilEndMarkerAndStripsMarkers() {
    node.fake.reply("<RESPONSE>从前，森林").reply("里住着一只").reply("聪明的小狐狸。</RESPONSE>");
    var tellStory = Prompt.of("讲一个100字的故事。").withLlm(node.llm).withResponseMarkers()
        .options(Map.of("llm_config", Map.of("max_length", 10)));

    String story = tellStory.run();

    assertThat(story).isEqualTo("从前，森林里住着一只聪明的小狐狸。");
    List<JsonNode> chats = node.chats();
    assertThat(chats).hasSize(3).allSatisfy(c -> assertThat(c.path("max_tokens").asInt()).isEqualTo(10));
    assertThat(chats.get(0).path("messages").get(0).path("content").asText()).isEqualTo("讲一个100字的故事。\n\n"
        + "你的输出可能会被切分成多轮对话完成。请确保第一次输出以<RESPONSE>开始，输出完毕后，请使用</RESPONSE>标记。"
        + "中间的回复不需要使用这两个标记。");
    JsonNode third = chats.get(2).path("messages");
    assertThat(third).hasSize(5);
    assertThat(third.get(1).path("content").asText()).isEqualTo("<RESPONSE>从前，森林");
    assertThat(third.get(2).path("content").asText()).isEqualTo("接着前面的内容继续");
    assertThat(third.get(3).path("role").asText()).isEqualTo("assistant");
  }

  @Test
  void run_responseMarkersNeverClosed_stopsAtMaxTurns() {
    node.fake.reply("<RESPONSE>a").reply("b");

    String text = Prompt.of("写长文").withLlm(node.llm).withResponseMarkers().withMaxTurns(2).run();

    assertThat(text).isEqualTo("ab");
    assertThat(node.chats()).hasSize(2);
  }

  @Test
  void stream_responseMarkers_continuationsStreamedWithoutMarkers() {
    node.fake.reply("<RESPONSE>从前 有座").reply(" 山，山里 有座庙。</RESPONSE> 完");
    MetaHolder meta = new MetaHolder();

    String joined;
    try (Stream<String> s = Prompt.of("讲故事").withLlm(node.llm).withResponseMarkers().withMeta(meta).stream()) {
      joined = s.collect(Collectors.joining());
    }

    assertThat(joined).isEqualTo("从前 有座 山，山里 有座庙。");
    assertThat(node.chats()).hasSize(2);
    assertThat(node.chats().get(1).path("messages").get(2).path("content").asText()).isEqualTo("接着前面的内容继续");
    assertThat(meta.getMetaModel().finishReason()).isEqualTo("stop");
  }

  @Test
  void stream_endMarkerSplitAcrossDeltas_heldBackAndRemoved() {
    node.fake.reply("<<START hello world END >> tail"); // the fake splits deltas at spaces: " END", " >>"

    String joined;
    try (Stream<String> s = Prompt.of("x").withLlm(node.llm).withResponseMarkers("<<START", "END >>").stream()) {
      joined = s.collect(Collectors.joining());
    }

    assertThat(joined).isEqualTo(" hello world ");
    assertThat(node.chats()).hasSize(1);
  }

  @Test
  void withReturnType_messyReplyWithTwoBlocksAndTrailingComma_parsedFromLastBlock() {
    node.fake.reply("好的！格式如下：\n```json\n{\"title\": \"示例\", \"body\": \"...\"}\n```\n故事：\n```json\n"
        + "{\"title\": \"勇敢的小鸟\", \"body\": \"从前有一只小鸟。\",}\n```\n希望你喜欢");

    Story s = Prompt.of("讲一个100字的故事。返回 JSON。").withLlm(node.llm).withReturnType(Story.class).run();

    assertThat(s).isEqualTo(new Story("勇敢的小鸟", "从前有一只小鸟。"));
    assertThat(node.lastPrompt()).isEqualTo("讲一个100字的故事。返回 JSON。");
  }

  @Test
  void withResponseClass_appendsSchemaToPrompt() {
    node.fake.reply("{'title': 'T', body: 'B'}");

    Story s = Prompt.of("讲一个故事").withLlm(node.llm).withResponseClass(Story.class).run();

    assertThat(s).isEqualTo(new Story("T", "B"));
    assertThat(node.lastPrompt()).startsWith("讲一个故事\n\n请以 JSON 格式回复")
        .contains("\"title\"", "\"body\"", "\"required\"");
  }

  @Test
  void withExtractor_regexTag_returnsExtractedText() {
    node.fake.reply("这是表达式：<REGEX>^[a-z]+@[a-z]+\\.com$</REGEX> 完毕");

    String regex = Prompt.of("根据描述生成正则：{{ desc }}").withLlm(node.llm)
        .withExtractor(PromptNodeIT::regexIn).run("desc", "匹配邮箱");

    assertThat(regex).isEqualTo("^[a-z]+@[a-z]+\\.com$");
  }

  @Test
  void withExtractor_extractorFindsNothing_failsQuotingTheAnswer() {
    node.fake.reply("我无法生成");
    var p = Prompt.of("生成正则").withLlm(node.llm).withExtractor(PromptNodeIT::regexIn);

    assertThatThrownBy(p::run).isInstanceOf(PromptException.class)
        .hasMessageContaining("extractor").hasMessageContaining("我无法生成");
  }

  @Test
  void withReturnType_answerWithoutJson_failsNamingTypeAndAnswer() {
    node.fake.reply("没有 JSON");
    var p = Prompt.of("x").withLlm(node.llm).withReturnType(Story.class);

    assertThatThrownBy(p::run).isInstanceOf(PromptException.class)
        .hasMessageContaining("Story").hasMessageContaining("没有 JSON");
  }

  @Test
  void withConversation_historyPrecedesPromptInOrder() {
    var history = List.of(Map.of("role", "user", "content", "你好，请讲一个关于太空的故事"),
        Map.of("role", "assistant", "content", "好的，这是一个关于宇航员在火星上发现神秘遗迹的故事..."));

    Prompt.of("请继续上面的故事，增加一些戏剧性的转折").withLlm(node.llm).withConversation(history).run();

    JsonNode messages = node.chats().get(0).path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").asText()).isEqualTo("你好，请讲一个关于太空的故事");
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(2).path("content").asText()).isEqualTo("请继续上面的故事，增加一些戏剧性的转折");
  }

  @Test
  void withReturnPrefixAndStops_prefixSentAsAssistantPrefixAndPrepended() {
    node.fake.reply("\"title\": \"X\"}");

    String out = Prompt.of("写 JSON").withLlm(node.llm).withReturnPrefix("{").withStopSuffixList(List.of("```"))
        .run();

    assertThat(out).isEqualTo("{\"title\": \"X\"}");
    JsonNode sent = node.chats().get(0);
    JsonNode last = sent.path("messages").get(1);
    assertThat(last.path("role").asText()).isEqualTo("assistant");
    assertThat(last.path("content").asText()).isEqualTo("{");
    assertThat(last.path("prefix").asBoolean()).isTrue();
    assertThat(sent.path("stop").toString()).isEqualTo("[\"```\"]");
  }

  @Test
  void stream_withMeta_deltasJoinToAnswerAndMetaIsFinal() {
    node.fake.reply("从前 有座 山");
    MetaHolder meta = new MetaHolder();

    String joined;
    try (Stream<String> s = Prompt.of("给我讲一个一百多字的故事").withLlm(node.llm).withMeta(meta).stream()) {
      joined = s.collect(Collectors.joining());
    }

    assertThat(joined).isEqualTo("从前 有座 山");
    assertThat(meta.getMetaModel().finishReason()).isEqualTo("stop");
    assertThat(meta.getMetaModel().generatedTokensCount()).isEqualTo(3);
    assertThat(meta.getMeta()).containsEntry("finish_reason", "stop").containsKey("first_token_time");
    assertThat(node.chats().get(0).path("stream").asBoolean()).isTrue();
  }

  @Test
  void run_withMeta_blockingCallRecordsTokenCounts() {
    node.fake.reply("one two three four");
    MetaHolder meta = new MetaHolder();

    Prompt.of("count").withLlm(node.llm).withMeta(meta).run();

    assertThat(meta.getMetaModel().generatedTokensCount()).isEqualTo(4);
    assertThat(meta.getMetaModel().inputTokensCount()).isEqualTo(1);
  }

  @Test
  void options_model_overridesDefaultModelAndUnknownNodeModelFails() {
    var p = Prompt.of("hi").withLlm(node.llm).options(Map.of("model", "no_such_model"));

    assertThatThrownBy(p::run).isInstanceOf(io.byzerllm.client.LlmClientException.class)
        .hasMessageContaining("no_such_model");
  }

  @Test
  void runAsync_completesWithAnswer() throws Exception {
    String answer = Prompt.of("异步 {{ x }}").withLlm(node.llm).runAsync("x", 1)
        .get(20, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(answer).isEqualTo("echo: 异步 1");
  }

  private static String regexIn(String answer) {
    var m = java.util.regex.Pattern.compile("<REGEX>(.*)</REGEX>", java.util.regex.Pattern.DOTALL).matcher(answer);
    return m.find() ? m.group(1) : null;
  }
}
