package io.byzerllm.client.prompt.extract;

/**
 * One fenced code block found by {@link CodeUtils#extractCode(String)}: byzerllm's {@code (language, code)}
 * pair. {@code language} is what followed the opening fence ({@code "shell"}, {@code "json"}), or
 * {@value CodeUtils#UNKNOWN} when the fence named none.
 */
public record CodeBlock(String language, String code) {
  public CodeBlock {
    if (language == null || language.isBlank()) {
      language = CodeUtils.UNKNOWN;
    }
    if (code == null) {
      throw new IllegalArgumentException("code must not be null");
    }
  }
}
