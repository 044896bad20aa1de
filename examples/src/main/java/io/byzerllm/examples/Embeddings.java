package io.byzerllm.examples;

import java.io.PrintStream;
import java.util.Arrays;

/** Guide: "向量化模型" — {@code embQuery} with a default embedding model ({@code --emb NAME}, default emb). */
public final class Embeddings {
  private Embeddings() {}

  public static void main(String[] args) {
    run(ExampleArgs.parse(args, "deepseek_chat"), System.out);
  }

  public static void run(ExampleArgs args, PrintStream out) {
    var llm = args.llm().withDefaultEmbModel(args.option("emb", "emb"));
    float[] v = llm.embQuery("你好");
    out.println(v.length + " dimensions: " + Arrays.toString(Arrays.copyOf(v, Math.min(4, v.length))) + "...");
  }
}
