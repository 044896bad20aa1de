package io.byzerllm.lite;

import io.byzerllm.client.ByzerLLM;
import io.byzerllm.client.LlmClientException;
import io.byzerllm.client.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A program run in a child JVM whose classpath is only lite's runtime classpath: it asks a registered
 * model once through {@code getSingleLlm(name, LITE)} (with {@code $LLM_HOME} from its environment),
 * says whether Pekko is loadable and what deploying custom/bge without byzerllm-bge says, and holds the client open until its stdin ends, so the parent can
 * look at its sockets while the model is deployed.
 */
public final class LiteProbe {
  private LiteProbe() {}

  public static void main(String[] args) throws Exception {
    long start = System.nanoTime();
    try (ByzerLLM llm = ModelRegistry.getSingleLlm(args[0], ProductMode.LITE)) {
      String answer = llm.chatOai(List.of(Message.user("probe"))).get(0).output();
      long firstAnswerNanos = System.nanoTime() - start;
      System.out.println("answer: " + answer);
      System.out.println("pekko: " + (loadable("org.apache.pekko.actor.ActorSystem") ? "present" : "absent"));
      System.out.println("first-answer-ms: " + firstAnswerNanos / 1_000_000);
      try {
        llm.deploy("", "custom/bge", "emb", Map.of());
        System.out.println("bge: deployed");
      } catch (LlmClientException e) {
        System.out.println("bge: " + e.status() + " " + e.getMessage());
      }
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, LiteProbe.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
