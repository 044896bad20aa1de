package io.byzerllm.server.ops;

/**
 * The endpoint a request is counted under: each model endpoint by its path, management as one
 * ({@code /api}), anything else as {@code other}, so that a label never takes a caller's free text.
 * Probes and scrapes ({@code /health...}, {@code /metrics}) are not counted at all.
 */
enum Endpoint {
  CHAT("/v1/chat/completions"),
  EMBEDDINGS("/v1/embeddings"),
  SPEECH("/v1/audio/speech"),
  TRANSCRIPTIONS("/v1/audio/transcriptions"),
  IMAGES("/v1/images/generations"),
  MODELS("/v1/models"),
  API("/api"),
  OTHER("other");

  private final String label;

  Endpoint(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** The endpoint of {@code path}, or null for a probe or scrape that is not counted. */
  static Endpoint of(String path) {
    return switch (path) {
      case "/v1/chat/completions" -> CHAT;
      case "/v1/embeddings" -> EMBEDDINGS;
      case "/v1/audio/speech" -> SPEECH;
      case "/v1/audio/transcriptions" -> TRANSCRIPTIONS;
      case "/v1/images/generations" -> IMAGES;
      case "/v1/models" -> MODELS;
      case "/metrics", "/health", "/health/live", "/health/ready" -> null;
      default -> path.startsWith("/api/") ? API : OTHER;
    };
  }
}
