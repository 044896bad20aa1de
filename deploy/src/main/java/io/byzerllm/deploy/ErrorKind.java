package io.byzerllm.deploy;

/**
 * The kinds of failure a caller can tell apart, each with its HTTP status and OpenAI error {@code type}.
 * Status maps to kind and kind to status in exactly one place each: here.
 */
public enum ErrorKind {
  INVALID_REQUEST(400, "invalid_request_error", false),
  AUTHENTICATION(401, "authentication_error", false),
  PERMISSION(403, "permission_error", false),
  MODEL_NOT_FOUND(404, "model_not_found", false),
  /** Something other than a model is missing, e.g. a storage table or store. */
  NOT_FOUND(404, "not_found_error", false),
  CONFLICT(409, "conflict_error", false),
  TOO_LARGE(413, "request_too_large", false),
  OVERLOADED(429, "rate_limit_error", true),
  INTERNAL(500, "server_error", false),
  UPSTREAM(502, "upstream_error", false),
  UNAVAILABLE(503, "service_unavailable", true),
  UPSTREAM_TIMEOUT(504, "timeout_error", true);

  private final int status;
  private final String type;
  private final boolean retriable;

  ErrorKind(int status, String type, boolean retriable) {
    this.status = status;
    this.type = type;
    this.retriable = retriable;
  }

  public int status() {
    return status;
  }

  /** The OpenAI-shaped {@code error.type} string. */
  public String type() {
    return type;
  }

  public boolean retriable() {
    return retriable;
  }

  /** The kind a caller sees for an HTTP status, e.g. one a provider answered with. */
  public static ErrorKind fromStatus(int status) {
    return switch (status) {
      case 400, 404, 422 -> INVALID_REQUEST;
      case 401 -> AUTHENTICATION;
      case 403 -> PERMISSION;
      case 409 -> CONFLICT;
      case 413 -> TOO_LARGE;
      case 429 -> OVERLOADED;
      case 503 -> UNAVAILABLE;
      case 504, 408 -> UPSTREAM_TIMEOUT;
      default -> status >= 500 ? UPSTREAM : INVALID_REQUEST;
    };
  }

  /** The kind named by an OpenAI error type string, or {@link #INTERNAL} when it is unknown. */
  public static ErrorKind fromType(String type) {
    for (ErrorKind k : values()) {
      if (k.type.equals(type)) {
        return k;
      }
    }
    return INTERNAL;
  }
}
