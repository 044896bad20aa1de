package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.client.ByzerStorage;
import io.byzerllm.client.DataType;
import io.byzerllm.client.FieldOption;
import io.byzerllm.client.SortOption;
import io.byzerllm.server.Node;
import io.byzerllm.server.NodeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byzer Storage as a user meets it: {@code llm storage start --enable_emb} on a real node, the bundled
 * BGE embedding Chinese documents, a Java program writing and searching them, {@code llm storage status},
 * and stop/start with everything still there.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StorageCommandIT {
  private static final List<String> DOCS = List.of(
      "北京是中国的首都，有故宫和长城。",
      "上海是中国的经济中心，黄浦江穿城而过。",
      "机器学习是人工智能的一个分支，研究计算机如何从数据中学习。",
      "今天的天气晴朗，适合去公园散步。",
      "大熊猫主要生活在四川的山区，以竹子为食。");

  @TempDir static Path home;
  static Node node;
  static Map<String, String> env;

  @BeforeAll
  static void startNode() {
    node = Node.start(NodeSettings.ephemeral(home));
    env = Map.of("LLM_HOME", home.toString(), "LLM_ADDRESS", node.httpUrl());
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }

  private static CliRun ok(String... args) {
    return CliRun.ok(env, args);
  }

  private static List<Map<String, Object>> pandaQuery(ByzerStorage storage) {
    return storage.queryBuilder().setVectorQuery("熊猫吃什么", "vector").setSearchQuery("熊猫", "content")
        .setFields("_id", "raw_content").setLimit(3).execute();
  }

  @Test
  void storageStart_enableEmb_hybridQueryFindsTheChineseDocumentAndStopStartKeepsIt() {
    CliRun started = ok("storage", "start", "--enable_emb");
    CliRun again = ok("storage", "start", "--enable-emb");

    assertThat(started.out()).contains("storage byzerai_store started on " + node.httpUrl(), "deployed emb");
    assertThat(again.out()).contains("storage byzerai_store is already running on " + node.httpUrl(),
        "model emb is already deployed");

    ByzerStorage storage = ByzerStorage.connect(node.httpUrl(), null, "docs_db", "docs");
    boolean created = storage.schemaBuilder()
        .addField("_id", DataType.STRING)
        .addField("content", DataType.STRING, FieldOption.ANALYZE)
        .addField("raw_content", DataType.STRING, FieldOption.NO_INDEX)
        .addArrayField("vector", DataType.FLOAT)
        .addField("n", DataType.LONG, FieldOption.SORT)
        .execute();
    var write = storage.writeBuilder();
    for (int i = 0; i < DOCS.size(); i++) {
      write.addItem(Map.of("_id", "doc" + i, "content", DOCS.get(i), "raw_content", DOCS.get(i), "vector", DOCS.get(i),
          "n", (long) i), List.of("vector"), List.of("content"));
    }
    int written = write.execute();
    storage.commit();

    List<Map<String, Object>> hits = pandaQuery(storage);
    List<Map<String, Object>> byFilter = storage.queryBuilder().andFilter().addRange("n", 1L, 3L).build()
        .sort("n", SortOption.DESC).setFields("_id").execute();
    float[] emb = storage.emb("熊猫");

    assertThat(created).isTrue();
    assertThat(written).isEqualTo(5);
    assertThat(hits).isNotEmpty();
    assertThat(hits.get(0)).containsEntry("_id", "doc4").containsEntry("raw_content", DOCS.get(4)).containsKey("_score");
    assertThat(hits.get(0)).doesNotContainKey("content");
    assertThat(byFilter).extracting(r -> r.get("_id")).containsExactly("doc3", "doc2", "doc1");
    assertThat(emb).hasSize(512);

    CliRun status = ok("storage", "status");
    assertThat(status.out()).contains("storage byzerai_store on " + node.httpUrl() + ": 1 tables, 5 documents",
        "emb: deployed by storage", "docs_db.docs").containsPattern("docs_db\\.docs\\s+5\\s+\\d+");
    assertThat(status.out()).doesNotContain("last commit never");

    CliRun stopped = ok("storage", "stop");
    assertThat(stopped.out()).contains("storage byzerai_store stopped", "undeployed emb");
    CliRun statusStopped = CliRun.llm(env, "storage", "status");
    assertThat(statusStopped.exitCode()).isEqualTo(1);
    assertThat(statusStopped.err().strip()).isEqualTo("error: store 'byzerai_store' is not running; start it with "
        + "`llm storage start --cluster byzerai_store`");

    CliRun restarted = ok("storage", "start", "--enable_emb");
    assertThat(restarted.out()).contains("storage byzerai_store started on", "deployed emb");
    assertThat(storage.schemaBuilder().addField("_id", DataType.STRING)
        .addField("content", DataType.STRING, FieldOption.ANALYZE)
        .addField("raw_content", DataType.STRING, FieldOption.NO_INDEX)
        .addArrayField("vector", DataType.FLOAT)
        .addField("n", DataType.LONG, FieldOption.SORT).execute()).isFalse();
    assertThat(pandaQuery(storage).get(0)).containsEntry("_id", "doc4");
    assertThat(ok("storage", "status").out()).contains("1 tables, 5 documents");
  }

  @Test
  void storageStop_storeNotRunning_saysNothingToDoAndLeavesUserEmbAlone() {
    CliRun r = ok("storage", "stop", "--cluster", "never_started");

    assertThat(r.out()).isEqualTo("storage never_started is not running; nothing to stop" + System.lineSeparator());
  }

  @Test
  void storageStart_badBaseDirFlagCombination_oneLineUsageError() {
    CliRun r = CliRun.llm(env, "storage", "start", "--emb_model_path", "/nowhere");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("error: --emb_model_path needs --enable_emb");
  }
}
