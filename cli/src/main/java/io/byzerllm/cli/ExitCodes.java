package io.byzerllm.cli;

/** The exit codes of {@code llm}: 0 ok, 1 failed, 2 bad usage (picocli's), 3 cluster unreachable. */
final class ExitCodes {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;

  private ExitCodes() {}
}
