package io.byzerllm.client.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.prompt.annotation.Prompt;
import io.byzerllm.client.prompt.annotation.PromptResource;
import io.byzerllm.client.prompt.annotation.Vars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Declarative prompt functions (interfaces turned into proxies) through a real node. */
class PromptFunctionsIT {
  @TempDir static Path home;
  static NodeFixture node;

  public record Story(String title, String body) {}

  public record Task(String name, @JsonProperty("due_date") String dueDate) {}

  interface Assistant {
    @Prompt("""
        你好, {{ q }}
        """)
    String hello(String q);

    @Prompt("讲一个{{ n }}字的故事。")
    Story tellStory(int n);

    @Prompt("讲{{ count }}个故事。")
    List<Story> tellStories(int count);

    @Prompt("分析以下代码是否存在编码问题：{{ code }}")
    boolean hasEncodingIssue(String code);

    @PromptResource("reminder.j2")
    String remind(String name, int task_count, List<Task> tasks);

    @Prompt("""
        Hello {{ name }}, you have {{ task_count }} pending tasks:

        {{ tasks }}
        """)
    String remindComputed(String name, int task_count, List<Task> tasks);

    @Vars("remindComputed")
    static Map<String, Object> remindComputedVars(String name, int task_count, List<Task> tasks) {
      return Map.of("tasks", tasks.stream().map(t -> "- Task: " + t.name() + " | Due: " + t.dueDate())
          .collect(Collectors.joining("\n")));
    }

    @Prompt("给我讲一个一百多字的故事")
    Stream<String> streamStory(MetaHolder meta);

    @Prompt("给我讲一个{{ topic }}的故事")
    TextStream iterateStory(String topic);

    @Prompt("异步 {{ x }}")
    CompletableFuture<String> later(String x);

    @Prompt("""
        {{ image_path }}
        这个图片里有什么？
        """)
    String whatInImage(ImagePath image_path);

    @Prompt("""
        {{ image }}
        {{ image2 }}
        比较这两张图片
        """)
    String compareImages(String path1, String path2);

    @Vars("compareImages")
    default Map<String, Object> compareImagesVars(String path1, String path2) {
      return Map.of("image", Image.loadImageFromPath(path1), "image2", Image.loadImageFromPath(path2));
    }

    @Prompt("{{ audio_file }}")
    String audioToText(AudioPath audio_file);

    default String shout(String q) {
      return hello(q).toUpperCase(java.util.Locale.ROOT);
    }
  }

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
  void stringMethod_parameterBoundByName_returnsAnswer() {
    Assistant a = PromptFunctions.create(Assistant.class, node.llm);

    assertThat(a.hello("你是谁")).isEqualTo("echo: 你好, 你是谁");
  }

  @Test
  void recordMethod_schemaAppendedAndMessyReplyParsed() {
    node.fake.reply("当然！\n```json\n{\"title\": \"勇敢的小鸟\", \"body\": \"从前……\",}\n```");
    Assistant a = PromptFunctions.create(Assistant.class, node.llm);

    Story s = a.tellStory(100);

    assertThat(s).isEqualTo(new Story("勇敢的小鸟", "从前……"));
    assertThat(node.lastPrompt()).startsWith("讲一个100字的故事。\n\n请以 JSON 格式回复").contains("\"title\"");
  }

  @Test
  void listMethod_arrayReplied_listOfRecords() {
    node.fake.reply("[{\"title\": \"a\", \"body\": \"1\"}, {\"title\": \"b\", \"body\": \"2\"}]");

    List<Story> stories = PromptFunctions.create(Assistant.class, node.llm).tellStories(2);

    assertThat(stories).extracting(Story::title).containsExactly("a", "b");
    assertThat(node.lastPrompt()).contains("\"type\" : \"array\"");
  }

  @Test
  void booleanMethod_valueObjectReplied_unwrapped() {
    node.fake.reply("```json\n{\"value\": true}\n```");

    assertThat(PromptFunctions.create(Assistant.class, node.llm).hasEncodingIssue("open(f)")).isTrue();
  }

  @Test
  void templateResource_loopOverRecords_rendersEveryTask() {
    Assistant a = PromptFunctions.create(Assistant.class, node.llm);

    a.remind("Jane Doe", 2, List.of(new Task("Submit report", "2024-03-10"), new Task("Reply", "2024-03-08")));

    assertThat(node.lastPrompt()).startsWith("Hello Jane Doe,\n\nThis is a reminder that you have 2 pending tasks:")
        .contains("- Task: Submit report | Due: 2024-03-10").contains("- Task: Reply | Due: 2024-03-08")
        .endsWith("Your Reminder System");
  }

  @Test
  void varsCompanion_computedVariableReplacesArgument() {
    Assistant a = PromptFunctions.create(Assistant.class, node.llm);

    a.remindComputed("Jane", 1, List.of(new Task("Submit report", "2024-03-10")));

    assertThat(node.lastPrompt()).isEqualTo("Hello Jane, you have 1 pending tasks:\n\n"
        + "- Task: Submit report | Due: 2024-03-10");
  }

  @Test
  void streamMethod_metaHolderParameter_deltasAndFinalMeta() {
    node.fake.reply("从前 有座 山");
    MetaHolder meta = new MetaHolder();

    String text;
    try (Stream<String> s = PromptFunctions.create(Assistant.class, node.llm).streamStory(meta)) {
      text = s.collect(Collectors.joining());
    }

    assertThat(text).isEqualTo("从前 有座 山");
    assertThat(meta.getMetaModel().finishReason()).isEqualTo("stop");
    assertThat(meta.getMetaModel().generatedTokensCount()).isEqualTo(3);
    assertThat(node.lastPrompt()).isEqualTo("给我讲一个一百多字的故事");
  }

  @Test
  void iteratorMethod_closedAfterFirstDelta_stopsReading() {
    node.fake.reply("one two three");

    String first;
    try (TextStream it = PromptFunctions.create(Assistant.class, node.llm).iterateStory("space")) {
      first = it.next();
    }

    assertThat(first).isEqualTo("one");
    assertThat(node.lastPrompt()).isEqualTo("给我讲一个space的故事");
  }

  @Test
  void asyncMethod_futureCompletesWithAnswer() throws Exception {
    String answer = PromptFunctions.create(Assistant.class, node.llm).later("x").get(20, TimeUnit.SECONDS);

    assertThat(answer).isEqualTo("echo: 异步 x");
  }

  @Test
  void supplierLlm_readAtEachCall() {
    AtomicReference<ByzerLLM> current = new AtomicReference<>(node.llm.withDefaultModel("missing_model"));
    Assistant a = PromptFunctions.create(Assistant.class, current::get);
    current.set(node.llm);

    assertThat(a.hello("x")).isEqualTo("echo: 你好, x");
  }

  @Test
  void defaultAndObjectMethods_passThrough() {
    Assistant a = PromptFunctions.create(Assistant.class, node.llm);

    assertThat(a.shout("abc")).isEqualTo("ECHO: 你好, ABC");
    assertThat(a.toString()).contains("Assistant");
    assertThat(a).isEqualTo(a).isNotEqualTo(PromptFunctions.create(Assistant.class, node.llm));
  }

  @Test
  void imagePathParameter_sentAsImageUrlPartThenText(@TempDir Path dir) throws Exception {
    Path cat = Files.write(dir.resolve("cat.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});

    PromptFunctions.create(Assistant.class, node.llm).whatInImage(ImagePath.of(cat.toString()));

    JsonNode content = lastUserContent();
    assertThat(content.isArray()).isTrue();
    assertThat(content.get(0).path("type").asText()).isEqualTo("image_url");
    assertThat(content.get(0).path("image_url").path("url").asText())
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(cat)));
    assertThat(content.get(1).path("text").asText()).isEqualTo("这个图片里有什么？");
  }

  @Test
  void twoImagesFromVarsCompanion_twoImagePartsInOrder(@TempDir Path dir) throws Exception {
    Path a = Files.write(dir.resolve("a.jpg"), new byte[] {1});
    Path b = Files.write(dir.resolve("b.webp"), new byte[] {2});

    PromptFunctions.create(Assistant.class, node.llm).compareImages(a.toString(), b.toString());

    JsonNode content = lastUserContent();
    assertThat(content).hasSize(3);
    assertThat(content.get(0).path("image_url").path("url").asText()).startsWith("data:image/jpeg;base64,");
    assertThat(content.get(1).path("image_url").path("url").asText()).startsWith("data:image/webp;base64,");
    assertThat(content.get(2).path("text").asText()).isEqualTo("比较这两张图片");
  }

  @Test
  void audioPathParameter_transcribedByTheNode(@TempDir Path dir) throws Exception {
    Path wav = Files.write(dir.resolve("voice.wav"), new byte[] {'R', 'I', 'F', 'F', 0, 0, 0, 0, 9});

    String json = PromptFunctions.create(Assistant.class, node.llm).audioToText(AudioPath.of(wav.toString()));

    assertThat(json).contains("\"text\"").contains("heard 9 bytes");
    assertThat(node.fake.requests()).anySatisfy(r -> assertThat(r.path()).endsWith("/audio/transcriptions"));
  }

  private static JsonNode lastUserContent() {
    List<JsonNode> chats = node.chats();
    JsonNode messages = chats.get(chats.size() - 1).path("messages");
    return messages.get(messages.size() - 1).path("content");
  }
}
