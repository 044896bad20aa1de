package io.byzerllm.testkit;

import java.util.Map;

/** One queued instruction for the next request the fake upstream receives. */
sealed interface Script {
  /** Whether this instruction may be used by a request that is not a chat completion. */
  boolean appliesToAnyEndpoint();

  record Reply(String content) implements Script {
    @Override
    public boolean appliesToAnyEndpoint() {
      return false;
    }
  }

  record ToolCall(String name, String arguments) implements Script {
    @Override
    public boolean appliesToAnyEndpoint() {
      return false;
    }
  }

  record Fail(int status, String message, Map<String, String> headers) implements Script {
    public Fail {
      headers = Map.copyOf(headers);
    }

    @Override
    public boolean appliesToAnyEndpoint() {
      return true;
    }
  }

  record FailMidStream(String message) implements Script {
    @Override
    public boolean appliesToAnyEndpoint() {
      return false;
    }
  }

  /** Headers with the whole body's length, then only {@code head} of the body, then nothing. */
  record PartialThenStall(int status, String contentType, byte[] head, int declaredLength) implements Script {
    @Override
    public boolean appliesToAnyEndpoint() {
      return true;
    }
  }

  enum Stall implements Script {
    INSTANCE;

    @Override
    public boolean appliesToAnyEndpoint() {
      return true;
    }
  }
}
