package io.byzerllm.cli;

import io.byzerllm.client.LlmClientException;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.InvalidSpecException;
import io.byzerllm.deploy.LlmException;
import io.byzerllm.deploy.Redactor;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Every failure of {@code llm} as one line on stderr, {@code error: <what is wrong>. <how to fix it>},
 * with the stack trace only under {@code --verbose}; and its exit code: 1 failed, 2 bad usage,
 * 3 no node answers.
 */
final class OneLineErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String hint = "";
    if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      hint = " (did you mean " + String.join(", ", u.getSuggestions()) + "?)";
    }
    PrintWriter err = cmd.getErr();
    err.println("error: " + oneLine(ex.getMessage()) + hint + ". See `" + cmd.getCommandSpec().qualifiedName()
        + " --help`");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    PrintWriter err = cmd.getErr();
    err.println("error: " + describe(cause));
    if (verbose(parsed)) {
      cause.printStackTrace(err);
    }
    err.flush();
    return exitCode(cause);
  }

  static int exitCode(Throwable t) {
    if (t instanceof LlmClientException c && c.noAnswer() && c.kind() == ErrorKind.UNAVAILABLE) {
      return ExitCodes.UNREACHABLE;
    }
    if (t instanceof InvalidSpecException || t instanceof IllegalArgumentException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.FAILED;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage() == null ? "" : oneLine(t.getMessage());
    if (t instanceof LlmException || t instanceof IllegalArgumentException || t instanceof UncheckedIOException) {
      return message;
    }
    return "unexpected failure (" + t.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message)
        + "). Re-run with --verbose to see where it happened";
  }

  private static String oneLine(String s) {
    return Redactor.SHAPES_ONLY.apply(s.replaceAll("\\s*\\R\\s*", " ").strip());
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
