package io.byzerllm.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzerllm.storage.internal.LuceneTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real child JVMs (the test class path) that are killed with SIGKILL, or that race for the directory. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LuceneStoreCrashTest {
  private Path dir;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void dir() throws IOException {
    dir = Files.createTempDirectory("byzer-crash");
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
    }
    LuceneTable.deleteRecursively(dir);
  }

  private Process child(String... args) throws IOException {
    var cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    children.add(p);
    return p;
  }

  /** Lines of the child's output, read on a thread so that each wait has its own timeout. */
  private static BlockingQueue<String> lines(Process p) {
    var out = new LinkedBlockingQueue<String>();
    Thread reader = new Thread(() -> {
      try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          out.add(line);
        }
      } catch (IOException ignored) {
        // the child died: that is the point
      }
    }, "crash-child-output");
    reader.setDaemon(true);
    reader.start();
    return out;
  }

  private static void awaitLine(BlockingQueue<String> lines, String expected) throws InterruptedException {
    var seen = new ArrayList<String>();
    while (true) {
      String line = lines.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("child output so far: %s", seen).isNotNull();
      seen.add(line);
      if (line.startsWith(expected)) {
        return;
      }
    }
  }

  @Test
  void killMinus9_afterCommit_reopenFindsEveryCommittedRowAndTheCatalog() throws Exception {
    int n = 500;
    Process p = child("write", dir.toString(), Integer.toString(n));
    BlockingQueue<String> out = lines(p);
    awaitLine(out, "WROTE_MORE");
    p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();

    try (LuceneStore store = LuceneStore.open("crash", dir)) {
      assertThat(store.schema(CrashChild.TABLE)).contains(StoreSchemaContract.everyOption());
      var rows = store.search(CrashChild.TABLE, SearchQuery.all(10 * n));
      assertThat(rows).hasSize(n);
      assertThat(StoreFixture.ids(rows)).allSatisfy(id -> assertThat(Integer.parseInt(((String) id).substring(3))).isLessThan(n));
      assertThat(store.search(CrashChild.TABLE, SearchQuery.all(1).withKeyword("文档").withVector(new float[] {1, 3, 2}, "vector")))
          .hasSize(1);
    }
  }

  @Test
  void secondProcess_sameDirectory_failsNamingTheDirectory() throws Exception {
    try (LuceneStore store = LuceneStore.open("first", dir)) {
      Process p = child("open", dir.toString());
      BlockingQueue<String> out = lines(p);
      String line = out.poll(60, TimeUnit.SECONDS);
      assertThat(line).startsWith("ERROR storage directory " + dir.toAbsolutePath()).contains("is in use by another store");
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
    Process after = child("open", dir.toString());
    assertThat(lines(after).poll(60, TimeUnit.SECONDS)).isEqualTo("OPENED");
  }
}
