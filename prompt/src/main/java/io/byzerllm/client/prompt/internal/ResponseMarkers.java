package io.byzerllm.client.prompt.internal;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * byzerllm's response-markers continuation ({@code _multi_turn_wrapper}) for answers longer than one
 * call may produce: the prompt asks for {@code <RESPONSE>…</RESPONSE>}; while the latest reply lacks
 * the end marker (and turns remain) the model is asked to go on ("接着前面的内容继续") with the whole
 * conversation so far; the replies are joined and the text between the markers is returned.
 */
final class ResponseMarkers {
  private ResponseMarkers() {}

  /** byzerllm's instruction text, with the markers filled in. */
  static String instruction(String start, String end) {
    return "你的输出可能会被切分成多轮对话完成。请确保第一次输出以" + start + "开始，输出完毕后，请使用" + end
        + "标记。中间的回复不需要使用这两个标记。";
  }

  static String run(ByzerLLM llm, PromptSpec spec, List<Object> firstMessages) {
    List<Object> messages = new ArrayList<>(firstMessages);
    Map<String, Object> config = spec.callConfig();
    StringBuilder all = new StringBuilder();
    int inputTokens = 0;
    int generatedTokens = 0;
    LLMResponse last = null;
    for (int turn = 0; turn < spec.continuation().maxTurns(); turn++) {
      if (last != null) {
        messages.add(Message.assistant(last.output()));
        messages.add(Message.user(spec.continuation().continuePrompt()));
      }
      last = llm.chatOai(spec.model(), messages, config).get(0);
      all.append(last.output());
      inputTokens += last.inputTokensCount();
      generatedTokens += last.generatedTokensCount();
      if (last.output().contains(spec.continuation().end())) {
        break;
      }
    }
    if (spec.meta() != null) {
      Map<String, Object> meta = new LinkedHashMap<>(last.metadata());
      meta.put("input_tokens_count", inputTokens);
      meta.put("generated_tokens_count", generatedTokens);
      spec.meta().set(meta);
    }
    return between(all.toString(), spec.continuation().start(), spec.continuation().end());
  }

  /** The text after the first start marker and before the first end marker after it (either may be missing). */
  static String between(String text, String start, String end) {
    int s = text.indexOf(start);
    int from = s < 0 ? 0 : s + start.length();
    int e = text.indexOf(end, from);
    return (e < 0 ? text.substring(from) : text.substring(from, e)).strip();
  }
}
