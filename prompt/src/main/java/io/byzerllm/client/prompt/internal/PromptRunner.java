package io.byzerllm.client.prompt.internal;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.ChatStream;
import io.byzerllm.client.LLMResponse;
import io.byzerllm.client.Message;
import io.byzerllm.client.prompt.PromptException;
import io.byzerllm.client.prompt.TextStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one engine under both prompt-function shapes: render, build the conversation, call, post-process. */
public final class PromptRunner {
  private PromptRunner() {}

  /** The rendered prompt the model receives as the last user message (schema and marker instructions included). */
  public static String render(PromptSpec spec, OutputShape<?> shape, Map<String, Object> vars) {
    String prompt = Templates.render(spec.template(), PromptVariables.templateValues(vars));
    String instruction = shape.instruction();
    if (instruction != null) {
      prompt = prompt + "\n\n" + instruction;
    }
    if (spec.continuation().enabled()) {
      prompt = prompt + "\n\n" + ResponseMarkers.instruction(spec.continuation().start(), spec.continuation().end());
    }
    return prompt;
  }

  /** Runs one prompt function call and returns the model's text after the return prefix and the extractor. */
  public static String runText(PromptSpec spec, OutputShape<?> shape, Map<String, Object> vars) {
    ByzerLLM llm = llm(spec);
    List<Object> messages = messages(spec, render(spec, shape, vars));
    String text;
    if (spec.continuation().enabled()) {
      if (spec.returnPrefix() != null) {
        throw new PromptException(spec.name() + ": withReturnPrefix and withResponseMarkers cannot be combined");
      }
      text = ResponseMarkers.run(llm, spec, messages);
    } else {
      LLMResponse response = llm.chatOai(spec.model(), messages, spec.callConfig()).get(0);
      if (spec.meta() != null) {
        spec.meta().set(response.metadata());
      }
      text = spec.returnPrefix() == null ? response.output() : spec.returnPrefix() + response.output();
    }
    return extract(spec, text);
  }

  /**
   * Streams the model's text deltas (the return prefix first; with response markers, every continuation
   * and no markers). The caller closes the stream.
   */
  public static TextStream stream(PromptSpec spec, OutputShape<?> shape, Map<String, Object> vars) {
    if (!shape.isText()) {
      throw new PromptException(spec.name() + ": a stream yields text; drop withReturnType (" + shape + ") to stream");
    }
    ByzerLLM llm = llm(spec);
    List<Object> messages = messages(spec, render(spec, shape, vars));
    if (spec.continuation().enabled()) {
      if (spec.returnPrefix() != null) {
        throw new PromptException(spec.name() + ": withReturnPrefix and withResponseMarkers cannot be combined");
      }
      MarkedStream marked = new MarkedStream(llm, spec, messages);
      return TextStream.of(marked, marked::close);
    }
    ChatStream chat = llm.streamChatOai(spec.model(), messages, true, spec.callConfig());
    return TextStream.of(chat, spec.returnPrefix(), spec.meta());
  }

  static List<Object> messages(PromptSpec spec, String prompt) {
    List<Object> messages = new ArrayList<>(spec.conversation());
    messages.add(MessageContent.userMessage(prompt));
    if (spec.returnPrefix() != null) {
      messages.add(Message.assistant(spec.returnPrefix()));
    }
    return messages;
  }

  private static String extract(PromptSpec spec, String text) {
    if (spec.extractor() == null) {
      return text;
    }
    String extracted;
    try {
      extracted = spec.extractor().apply(text);
    } catch (RuntimeException e) {
      throw new PromptException(spec.name() + ": the extractor failed on the model's answer (" + e + "); the answer was: "
          + text, e);
    }
    if (extracted == null) {
      throw new PromptException(spec.name() + ": the extractor found nothing in the model's answer: " + text);
    }
    return extracted;
  }

  private static ByzerLLM llm(PromptSpec spec) {
    ByzerLLM llm = spec.llm() == null ? null : spec.llm().get();
    if (llm == null) {
      throw new PromptException(spec.name() + " has no model to call; bind one with withLlm(llm) "
          + "(or PromptFunctions.create(Iface.class, llm)), or call prompt(...) to render only");
    }
    return llm;
  }
}
