package io.byzerllm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
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

  /** A failure whose body the provider's fake built itself (an error with the provider's own code). */
  record FailWithBody(int status, JsonNode body, Map<String, String> headers) implements Script {
    public FailWithBody {
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

  /**
   * Headers with the whole body's length, then only {@code head} of the body, then nothing: the
   * connection stays open, or closes when {@code close}.
   */
  record Partial(int status, String contentType, byte[] head, int declaredLength, boolean close) implements Script {
    @Override
    public boolean appliesToAnyEndpoint() {
      return true;
    }
  }

  /** The connection closes once the request is read, before a byte of an answer. */
  enum Drop implements Script {
    INSTANCE;

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
