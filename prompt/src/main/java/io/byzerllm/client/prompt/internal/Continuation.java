package io.byzerllm.client.prompt.internal;

/**
 * How a prompt function asks for long answers: whether response markers are on, the markers, the most
 * calls for one answer, and what is said to make the model go on (byzerllm's defaults in {@link #OFF}).
 */
public record Continuation(boolean enabled, String start, String end, int maxTurns, String continuePrompt) {
  public static final Continuation OFF = new Continuation(false, "<RESPONSE>", "</RESPONSE>", 10, "接着前面的内容继续");

  public Continuation {
    if (start == null || start.isEmpty() || end == null || end.isEmpty()) {
      throw new IllegalArgumentException("response markers must not be empty");
    }
    if (maxTurns < 1) {
      throw new IllegalArgumentException("maxTurns must be >= 1 (got " + maxTurns + ")");
    }
    if (continuePrompt == null) {
      throw new IllegalArgumentException("continuePrompt must not be null");
    }
  }

  public Continuation withMarkers(String start, String end) {
    return new Continuation(true, start, end, maxTurns, continuePrompt);
  }

  public Continuation withMaxTurns(int maxTurns) {
    return new Continuation(enabled, start, end, maxTurns, continuePrompt);
  }

  public Continuation withContinuePrompt(String continuePrompt) {
    return new Continuation(enabled, start, end, maxTurns, continuePrompt);
  }
}
