package io.byzerllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class CrashReportsTest {
  @TempDir Path home;

  @Test
  void jvmOptions_nodeDir_crashReportAndHeapDumpGoThere() {
    Path dir = home.resolve("nodes").resolve("127.0.0.1_8000");

    assertThat(CrashReports.jvmOptions(dir)).containsExactly(
        "-XX:ErrorFile=" + dir.toAbsolutePath() + "/hs_err_pid%p.log",
        "-XX:+HeapDumpOnOutOfMemoryError",
        "-XX:HeapDumpPath=" + dir.toAbsolutePath());
  }

  @Test
  void find_reportsInNodeDirs_newestFirstOthersIgnored() throws Exception {
    Path nodes = home.resolve("nodes");
    Path old = write(nodes.resolve("127.0.0.1_8000/hs_err_pid11.log"), 1_000);
    Path dump = write(nodes.resolve("127.0.0.1_8001/java_pid12.hprof"), 2_000);
    Path launcher = write(nodes.resolve("hs_err_pid13.log"), 3_000);
    write(nodes.resolve("127.0.0.1_8000/node.log"), 4_000);

    assertThat(CrashReports.find(nodes, 2)).containsExactly(launcher, dump, old);
    assertThat(CrashReports.find(home.resolve("absent"), 2)).isEmpty();
  }

  private static Path write(Path file, long millis) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "x");
    Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
    return file;
  }
}
