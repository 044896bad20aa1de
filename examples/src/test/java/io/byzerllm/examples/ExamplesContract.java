package io.byzerllm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.ByzerLLM;
import io.byzerllm.testkit.FakeOpenAiServer;
import io.byzerllm.testkit.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's examples, each run against models that answer from a scripted loopback upstream; a
 * subclass says how the examples reach those models (a node, or in-process) by setting {@link #client}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class ExamplesContract {
  static FakeOpenAiServer fake;
  /** The client every example's {@code args.llm()} is a copy of; it has models {@code chat} and {@code emb}. */
  static ByzerLLM client;

  @BeforeEach
  void clear() {
    fake.clearRequests();
  }

  static String run(BiConsumer<ExampleArgs, PrintStream> example, String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "--model";
    args[1] = "chat";
    System.arraycopy(options, 0, args, 2, options.length);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      example.accept(ExampleArgs.parse(args, "deepseek_chat", client), out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  static List<JsonNode> chats() {
    return fake.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).map(RecordedRequest::json)
        .toList();
  }

  @Test
  void getMeta_chatModel_byzerllmKeysTheSameEitherWay() {
    assertThat(client.getMeta("chat")).containsEntry("model_deploy_type", "saas").containsEntry("backend", "openai-compatible")
        .containsEntry("model_name", "fake-model").containsEntry("support_stream", true)
        .containsEntry("message_format", true).containsEntry("embedding_mode", false);
    assertThat(client.isModelExist("chat")).isTrue();
    assertThat(client.isModelExist("nope")).isFalse();
  }

  @Test
  void helloWorld_printsTheAnswer() {
    assertThat(run(HelloWorld::run)).isEqualTo("echo: 你好, 你是谁\n");
  }

  @Test
  void showPrompt_printsRenderedPromptWithoutCalling() {
    assertThat(run(ShowPrompt::run)).isEqualTo("你好, 你是谁\n你好, 你是谁\n");
    assertThat(chats()).isEmpty();
  }

  @Test
  void switchModel_runsWithTheOtherModel() {
    assertThat(run(SwitchModel::run, "--other", "chat")).isEqualTo("echo: 你好, 你是谁\n");
  }

  @Test
  void longText_tenTokenCalls_joinedWithoutMarkers() {
    fake.reply("<RESPONSE>从前，森林里").reply("住着一只小狐狸。</RESPONSE>");

    String out = run(LongText::run);

    assertThat(out).isEqualTo("从前，森林里住着一只小狐狸。\n");
    assertThat(chats()).hasSize(2).allSatisfy(c -> assertThat(c.path("max_tokens").asInt()).isEqualTo(10));
  }

  @Test
  void objectOutput_bothWays_titlesPrinted() {
    fake.reply("```json\n{\"title\": \"勇敢的小鸟\", \"body\": \"...\"}\n```").reply("{\"title\": \"小狐狸\", \"body\": \"...\"}");

    assertThat(run(ObjectOutput::run)).isEqualTo("勇敢的小鸟\n小狐狸\n");
    assertThat(chats().get(0).toString()).contains("故事的标题");
  }

  @Test
  void regexExtractor_printsOnlyThePattern() {
    fake.reply("好的：<REGEX>^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$</REGEX>");

    assertThat(run(RegexExtractor::run)).isEqualTo("^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$\n");
  }

  @Test
  void instanceMethod_taskListRenderedBothWays() {
    String out = run(InstanceMethod::run);

    assertThat(out).contains("Hello Jane Doe,").contains("- Task: Finish project | Due: 2024-03-15");
    assertThat(chats()).hasSize(2);
  }

  @Test
  void computedVariables_tasksComputedInJava() {
    assertThat(run(ComputedVariables::run)).contains("you have 3 pending tasks:\n\n- Task: Submit report | Due: "
        + "2024-03-10\n- Task: Finish project | Due: 2024-03-15");
  }

  @Test
  void implFunction_secondCallServedFromCache() {
    fake.reply("```java\npublic class Now { public static io.byzerllm.examples.ImplFunction.Time "
        + "calculateCurrentTime() { return new io.byzerllm.examples.ImplFunction.Time(\"2024-06-14\"); } }\n```");

    String out = run(ImplFunction::run);

    assertThat(out).contains("Time[time=2024-06-14]").contains("second time cost");
    assertThat(chats()).hasSize(1);
  }

  @Test
  void streamChat_deltasThenBlockingAnswerWithMetadata() {
    String out = run(StreamChat::run);

    assertThat(out).startsWith("echo:\n 你好，你是谁\n").contains("finishReason=stop")
        .contains("metadata: {request_id=");
  }

  @Test
  void functionCalling_modelChoosesEachTool() {
    fake.reply("{\"tool_calls\": [{\"function\": {\"name\": \"compute_now\", \"arguments\": {}}}]}")
        .reply("```json\n{\"tool_calls\": [{\"function\": {\"name\": \"compute_date_range\", "
            + "\"arguments\": {\"count\": 3, \"unit\": \"month\"}}}]}\n```");

    String out = run(FunctionCallingExample::run);

    assertThat(out).contains("计算当前时间 -> [compute_now] [20").contains("最近三个月趋势 -> [compute_date_range] [[20")
        .doesNotContain("(");
  }

  @Test
  void imageToText_fourWays_imagePartsOnTheWire(@TempDir Path dir) throws Exception {
    Path cat = Files.write(dir.resolve("cat1.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

    String out = run(ImageToText::run, "--image", cat.toString());

    assertThat(out.lines()).hasSize(4).allSatisfy(line -> assertThat(line).contains("这个图片里有什么？"));
    assertThat(chats()).hasSize(4).allSatisfy(c -> assertThat(c.path("messages").get(0).path("content").get(0)
        .path("image_url").path("url").asText()).startsWith("data:image/png;base64,iVBORw"));
  }

  @Test
  void textToSpeech_base64AudioWritten(@TempDir Path dir) throws Exception {
    Path mp3 = dir.resolve("voice.mp3");

    String out = run(TextToSpeech::run, "--out", mp3.toString());

    assertThat(Files.size(mp3)).isPositive();
    assertThat(out).startsWith("wrote " + Files.size(mp3) + " bytes to ").contains("speech(): ");
  }

  @Test
  void speechToText_transcriptionJsonPrinted(@TempDir Path dir) throws Exception {
    Path audio = Files.write(dir.resolve("a.mp3"), new byte[] {1, 2, 3, 4, 5});

    assertThat(run(SpeechToText::run, "--audio", audio.toString())).contains("heard 5 bytes").contains("\"words\"");
  }

  @Test
  void imageGeneration_base64ImageWritten(@TempDir Path dir) throws Exception {
    Path jpg = dir.resolve("out.jpg");

    String out = run(ImageGeneration::run, "--out", jpg.toString());

    assertThat(Files.size(jpg)).isPositive();
    assertThat(out).isEqualTo("wrote " + Files.size(jpg) + " bytes to " + jpg + "\n");
  }

  @Test
  void history_conversationSentBeforePrompt() {
    run(History::run);

    JsonNode messages = chats().get(0).path("messages");
    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
  }

  @Test
  void streamingPromptFunction_textThenMeta() {
    String out = run(StreamingPromptFunction::run);

    assertThat(out).startsWith("echo: 讲一个100字的故事\necho: 给我讲一个一百多字的故事\n")
        .contains("finish_reason=stop").contains("MetaOutput[inputTokensCount=1, generatedTokensCount=2");
  }

  @Test
  void embeddings_vectorOfTheEmbModel() {
    assertThat(run(Embeddings::run, "--emb", "emb")).startsWith("8 dimensions: [");
  }

  @Test
  void prefixCompletion_prefixAndStopsOnTheWire() {
    fake.reply("def quicksort(a): ...\n").reply("def quicksort(b): ...\n");

    String out = run(PrefixCompletion::run);

    assertThat(out).isEqualTo("def quicksort(a): ...\n\n```python\ndef quicksort(b): ...\n\n");
    assertThat(chats()).allSatisfy(c -> {
      assertThat(c.path("stop").toString()).isEqualTo("[\"```\"]");
      assertThat(c.path("messages").get(1).path("prefix").asBoolean()).isTrue();
    });
  }

  @Test
  void windowsEncodingScan_reportsOnlyTheFileWithIssues(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.py"), "open('x').read()");
    Files.write(dir.resolve("b.py"), "print('你好')".getBytes(java.nio.charset.Charset.forName("GBK")));
    fake.reply("```json\n{\"value\": true}\n```").reply("{\"value\": false}");

    String out = run(WindowsEncodingScan::run, "--dir", dir.toString());

    assertThat(out).contains("found issue in file: " + dir.resolve("a.py"))
        .endsWith("发现以下文件可能存在Windows编码问题：\n- " + dir.resolve("a.py") + "\n");
    assertThat(chats().get(1).toString()).contains("print('你好')");
  }

  @Test
  void codeAndTagExtraction_printExtractedParts() {
    assertThat(run(CodeExtraction::run)).isEqualTo("ls -l\n");
    assertThat(run(TagExtraction::run)).isEqualTo("data:image/jpeg;base64,xxxxxx\ndata:image/jpeg;base64,xxxxxx2\n");
  }

  @Test
  void asyncCalls_allAnswersInOrder() {
    assertThat(run(AsyncCalls::run)).isEqualTo("echo: 你好, 你是谁\necho: 你好, 今天星期几\necho: 你好, 讲个笑话\n"
        + "echo: 你好, 再见\necho: 再见\n");
  }

  @Test
  void deployModel_deploysThenSaysAlreadyDeployed() {
    String first = run(DeployModel::run, "--model", "deepseek_chat", "--api_key", "sk-x", "--base_url", fake.baseUrl());
    String second = run(DeployModel::run, "--model", "deepseek_chat", "--api_key", "sk-x");

    assertThat(first).isEqualTo("Model deepseek_chat deployed successfully\n");
    assertThat(second).isEqualTo("Model deepseek_chat already deployed\n");
  }
}
