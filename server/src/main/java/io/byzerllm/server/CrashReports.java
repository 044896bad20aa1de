package io.byzerllm.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a node's JVM writes a fatal-error report ({@code hs_err_pid<pid>.log}) and a heap dump
 * ({@code java_pid<pid>.hprof}): its own directory {@code $LLM_HOME/nodes/<host>_<port>/}, not
 * whatever directory {@code llm} was run from. Whoever launches a node JVM passes
 * {@link #jvmOptions}; {@link #find} lists what earlier crashes left, for the node log and
 * {@code llm server status}.
 */
public final class CrashReports {
  private CrashReports() {}

  /** The JVM options that send a crash report and an out-of-memory heap dump to {@code dir}. */
  public static List<String> jvmOptions(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    return List.of("-XX:ErrorFile=" + abs.resolve("hs_err_pid%p.log"), "-XX:+HeapDumpOnOutOfMemoryError",
        "-XX:HeapDumpPath=" + abs);
  }

  /** Crash reports and heap dumps under {@code dir} (and its subdirectories, {@code depth} deep), newest first. */
  public static List<Path> find(Path dir, int depth) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.find(dir, depth, (p, attrs) -> attrs.isRegularFile() && isCrashFile(p))) {
      return files.sorted(Comparator.comparing(CrashReports::modified).reversed()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Where this JVM writes its crash report, when it was told ({@code -XX:ErrorFile}). */
  static Optional<String> errorFileOfThisJvm() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:ErrorFile=")).map(a -> a.substring("-XX:ErrorFile=".length())).reduce((a, b) -> b);
  }

  private static boolean isCrashFile(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith("hs_err_pid") && name.endsWith(".log") || name.startsWith("java_pid") && name.endsWith(".hprof");
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }
}
