package io.byzerllm.bench;

import java.util.ArrayList;
import java.util.List;

/** The fixed inputs of the BGE benchmarks: short and long, Chinese, English and mixed, about 5 to 120 tokens. */
final class BgeSentences {
  static final List<String> ALL = List.of(
      "你好",
      "今天天气很好，我们去公园散步吧。",
      "How do I renew my passport?",
      "向量数据库把文本转换成向量，再用近似最近邻算法检索与查询最相似的文档。",
      "The quick brown fox jumps over the lazy dog.",
      "机器学习",
      "Embeddings map sentences to vectors so that similar meanings end up close together in the space.",
      "北京是中华人民共和国的首都，也是全国的政治、文化、国际交往和科技创新中心。",
      "混合 mixed 中英文 sentence with 数字 12345 and punctuation!?",
      "Bananas are rich in potassium.",
      "深度学习模型需要大量的数据和计算资源，训练一个大型语言模型往往需要成千上万张显卡运行数周时间，"
          + "而推理阶段同样对延迟和吞吐有很高的要求，因此批处理、量化和缓存等技术被广泛使用。",
      "ByzerLLM deploys models onto a cluster with one command and lets programs call them by name.",
      "请问附近有没有好吃的川菜馆？",
      "A short one.",
      "Dynamic batching coalesces concurrent requests into one forward pass, trading a few milliseconds of "
          + "waiting for much higher throughput when many small requests arrive at the same time on a busy server.",
      "春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。");

  private BgeSentences() {}

  /** The sentence at {@code index}, taken in rotation. */
  static String get(long index) {
    return ALL.get((int) Math.floorMod(index, (long) ALL.size()));
  }

  /** {@code count} sentences in rotation, starting at {@code offset}. */
  static List<String> take(long offset, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(get(offset + i));
    }
    return out;
  }
}
