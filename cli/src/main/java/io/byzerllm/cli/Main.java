package io.byzerllm.cli;

/** The {@code llm} program: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    io.byzerllm.server.CommonPool.configure(); // `llm server start` runs a node in this JVM
    System.exit(LlmCommand.commandLine(System.getenv()).execute(args));
  }
}
