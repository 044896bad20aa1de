package io.byzerllm.client;

/**
 * A key just issued: {@code key} is shown this once (the cluster keeps only its hash);
 * {@code replicated}: every node confirmed it (false: it reaches the rest within seconds).
 */
public record CreatedKey(KeyInfo info, String key, boolean replicated) {
  @Override
  public String toString() {
    return "CreatedKey[id=" + info.id() + ", key=***, replicated=" + replicated + "]";
  }
}
