package io.byzerllm.client.prompt.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * byzerllm's {@code code_utils}: finds the fenced (Markdown) code blocks in a model's answer.
 * The name is the seed's, kept so users find it.
 */
public final class CodeUtils {
  /** The language of a block whose fence named none, and of the whole text when it holds no block. */
  public static final String UNKNOWN = "unknown";

  // byzerllm's CODE_BLOCK_PATTERN: ```lang\n ... \n``` with optional spaces around the language.
  private static final Pattern FENCED = Pattern.compile("```[ \\t]*([\\w+#.-]+)?[ \\t]*\\r?\\n(.*?)\\r?\\n[ \\t]*```",
      Pattern.DOTALL);

  private CodeUtils() {}

  /**
   * The code blocks of {@code text} in order of appearance. When the text holds no fenced block the
   * answer is one block: ({@value #UNKNOWN}, the whole text), as byzerllm's {@code extract_code} does.
   */
  public static List<CodeBlock> extractCode(String text) {
    List<CodeBlock> blocks = fencedBlocks(text);
    return blocks.isEmpty() ? List.of(new CodeBlock(UNKNOWN, text == null ? "" : text)) : blocks;
  }

  /** The fenced blocks of {@code text} only; empty when there are none. */
  public static List<CodeBlock> fencedBlocks(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    List<CodeBlock> out = new ArrayList<>();
    Matcher m = FENCED.matcher(text);
    while (m.find()) {
      out.add(new CodeBlock(m.group(1), m.group(2)));
    }
    return List.copyOf(out);
  }

  /** The code of the last block in {@code language} (case-insensitive), or null when there is none. */
  public static String lastBlock(String text, String language) {
    List<CodeBlock> blocks = fencedBlocks(text);
    for (int i = blocks.size() - 1; i >= 0; i--) {
      if (blocks.get(i).language().equalsIgnoreCase(language)) {
        return blocks.get(i).code();
      }
    }
    return null;
  }
}
