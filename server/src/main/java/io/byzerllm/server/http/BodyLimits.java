package io.byzerllm.server.http;

import com.typesafe.config.Config;
import io.byzerllm.deploy.ErrorKind;
import io.byzerllm.deploy.LlmException;

/**
 * The largest request body each kind of route reads, from {@code byzerllm.server.body-limits}: JSON
 * routes (chat, embeddings, speech, images, deployments) and multipart uploads (audio
 * transcriptions). A body over its limit is a 413 before it is read, as soon as its
 * {@code Content-Length} says so, or when the bytes received pass the limit.
 */
public record BodyLimits(long json, long upload) {
  private static final String UPLOAD_PATH = "/audio/transcriptions";

  public BodyLimits {
    if (json <= 0 || upload <= 0) {
      throw new IllegalArgumentException("byzerllm.server.body-limits.json and .upload must be > 0 bytes (got "
          + json + ", " + upload + ")");
    }
  }

  public static BodyLimits from(Config config) {
    return new BodyLimits(config.getBytes("byzerllm.server.body-limits.json"),
        config.getBytes("byzerllm.server.body-limits.upload"));
  }

  /** The limit of a route under {@code /v1} or {@code /api}, given the path that follows that prefix. */
  long forPath(String pathAfterPrefix) {
    return pathAfterPrefix.startsWith(UPLOAD_PATH) ? upload : json;
  }

  /** The 413 for a body of {@code length} bytes sent to {@code path}, whose limit is {@code limit}. */
  static LlmException tooLarge(long length, String path, long limit) {
    return new LlmException(ErrorKind.TOO_LARGE, "the request body is " + length + " bytes; " + path
        + " accepts at most " + describe(limit) + " (byzerllm.server.body-limits)");
  }

  /** The 413 for a body whose length is unknown but more than any route reads. */
  static LlmException tooLarge(String path, long limit) {
    return new LlmException(ErrorKind.TOO_LARGE, "the request body is larger than " + path + " accepts: at most "
        + describe(limit) + " (byzerllm.server.body-limits)");
  }

  /** {@code 8 MiB}, {@code 512 KiB} or bytes, for messages. */
  static String describe(long bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
  }
}
