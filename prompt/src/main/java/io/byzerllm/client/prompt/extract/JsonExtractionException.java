package io.byzerllm.client.prompt.extract;

/**
 * No value of the wanted type could be read from a model's answer. {@link #answer()} is the text
 * that was searched, so the caller can log it or ask again.
 */
public final class JsonExtractionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String answer;

  public JsonExtractionException(String message, String answer) {
    super(message + "; the answer was: " + abbreviate(answer));
    this.answer = answer == null ? "" : answer;
  }

  /** The whole answer that was searched. */
  public String answer() {
    return answer;
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "<none>";
    }
    return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
  }
}
