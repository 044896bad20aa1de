package io.byzerllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm completion bash|zsh}: the script, loaded into a real bash, completes commands and flags. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompletionCommandTest {
  @TempDir Path dir;

  @Test
  void completionBash_sourcedInBash_completesSubcommandsAndFlags() throws Exception {
    CliRun r = CliRun.ok(Map.of(), "completion", "bash");
    Path script = dir.resolve("llm.bash");
    Files.writeString(script, r.out());

    assertThat(complete(script, "llm", "st")).contains("stat", "storage").doesNotContain("deploy");
    assertThat(complete(script, "llm", "stat", "--int")).containsExactly("--interval");
    assertThat(complete(script, "llm", "models", "--output", "")).contains("text", "json");
    assertThat(complete(script, "llm", "completion", "")).contains("bash", "zsh");
  }

  @Test
  void completionZsh_printsTheScriptWithZshsBashCompatibility() {
    CliRun r = CliRun.ok(Map.of(), "completion", "zsh");

    assertThat(r.out()).contains("ZSH_VERSION", "bashcompinit", "complete -F");
  }

  @Test
  void completion_unknownShell_oneLineErrorNamingTheChoices() {
    CliRun r = CliRun.llm(Map.of(), "completion", "fish");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("fish").contains("bash, zsh");
  }

  /** What bash offers after {@code words} (the last one being completed), run through the script's function. */
  private List<String> complete(Path script, String... words) throws Exception {
    String line = String.join(" ", words);
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append('\'').append(w).append("' ");
    }
    String program = "source '" + script + "'\n"
        + "COMP_WORDS=(" + array + ")\n"
        + "COMP_CWORD=" + (words.length - 1) + "\n"
        + "COMP_LINE='" + line + "'\nCOMP_POINT=" + line.length() + "\n"
        + "_complete_llm llm '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    // compopt complains outside a real completion; that goes to stderr, the candidates to stdout
    Process p = new ProcessBuilder("bash", "-c", program).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
