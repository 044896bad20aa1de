package io.byzerllm.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} run headless on one page: it loads the page, lets its scripts run for
 * a budget of virtual time, and prints the DOM as it then is. Every message the page writes to its
 * console (errors, warnings, logs, uncaught exceptions, and the browser's own advice about the page)
 * comes out on stderr as a {@code CONSOLE} line, all at the same level, so a page that must be clean
 * is one that leaves none. Chromium refuses to run as root without {@code --no-sandbox}; a fresh
 * profile directory per run keeps runs apart.
 */
public final class HeadlessChromium {
  /** What one run saw: the DOM after the scripts ran, and the page's console lines. */
  public record Page(String dom, List<String> consoleLines) {}

  private HeadlessChromium() {}

  /**
   * Loads {@code url}, runs it for {@code scriptTime} of virtual time and returns its DOM; the
   * browser is killed if it has not finished within {@code timeout}.
   */
  public static Page dumpDom(String url, Duration scriptTime, Duration timeout) throws IOException, InterruptedException {
    String binary = binary();
    Path work = Files.createTempDirectory("chromium-run");
    Path out = work.resolve("dom.html");
    Path err = work.resolve("stderr.txt");
    try {
      Process p = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--enable-logging=stderr", "--v=0", "--user-data-dir=" + work.resolve("profile"),
          "--virtual-time-budget=" + scriptTime.toMillis(), "--dump-dom", url)
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("chromium did not finish " + url + " within " + timeout + "; its stderr:\n"
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("chromium exited with " + p.exitValue() + " on " + url + "; its stderr:\n" + stderr);
      }
      List<String> console = stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
      return new Page(Files.readString(out, StandardCharsets.UTF_8), console);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The browser on PATH ({@code chromium}, else {@code chromium-browser}); a missing one fails with how to install it. */
  static String binary() {
    List<String> tried = new ArrayList<>();
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        Path candidate = Path.of(dir, name);
        tried.add(candidate.toString());
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    throw new IllegalStateException("chromium is not installed (looked for " + tried.size()
        + " paths on PATH): install it with `apt-get install -y chromium` (.ci/run does); the dashboard test needs it");
  }
}
