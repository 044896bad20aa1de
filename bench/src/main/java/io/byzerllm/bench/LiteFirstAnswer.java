package io.byzerllm.bench;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.Message;
import io.byzerllm.lite.ModelRegistry;
import io.byzerllm.lite.ProductMode;
import java.util.List;

/**
 * What {@link LiteBench} times in a fresh JVM (class path: lite's runtime class path and this class):
 * {@code getSingleLlm(name, LITE)} from {@code $LLM_HOME}, one chat, the answer printed, exit.
 */
public final class LiteFirstAnswer {
  private LiteFirstAnswer() {}

  public static void main(String[] args) {
    try (ByzerLLM llm = ModelRegistry.getSingleLlm(args[0], ProductMode.LITE)) {
      System.out.println("answer: " + llm.chatOai(List.of(Message.user("hello lite"))).get(0).output());
    }
  }
}
