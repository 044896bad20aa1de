package io.byzerllm.worker.saas;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/** A {@code multipart/form-data} body (RFC 7578) built field by field, for audio uploads. */
final class Multipart {
  private final String boundary = "byzerllm-" + UUID.randomUUID();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Adds a text field; a null or blank value is left out. */
  Multipart field(String name, String value) {
    if (value != null && !value.isBlank()) {
      head("form-data; name=\"" + escape(name) + "\"", null);
      write(value.getBytes(StandardCharsets.UTF_8));
      write("\r\n");
    }
    return this;
  }

  Multipart file(String name, String fileName, byte[] data) {
    head("form-data; name=\"" + escape(name) + "\"; filename=\"" + escape(fileName) + "\"", mediaType(fileName));
    write(data);
    write("\r\n");
    return this;
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  byte[] build() {
    write("--" + boundary + "--\r\n");
    return out.toByteArray();
  }

  /** The media type a file name's extension implies, as providers check it. */
  static String mediaType(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    String ext = lower.contains(".") ? lower.substring(lower.lastIndexOf('.') + 1) : "";
    return switch (ext) {
      case "wav" -> "audio/wav";
      case "mp3", "mpga", "mpeg" -> "audio/mpeg";
      case "m4a", "mp4" -> "audio/mp4";
      case "ogg", "oga", "opus" -> "audio/ogg";
      case "flac" -> "audio/flac";
      case "webm" -> "audio/webm";
      default -> "application/octet-stream";
    };
  }

  private void head(String disposition, String type) {
    write("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n");
    if (type != null) {
      write("Content-Type: " + type + "\r\n");
    }
    write("\r\n");
  }

  private static String escape(String s) {
    return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  private void write(String s) {
    write(s.getBytes(StandardCharsets.UTF_8));
  }

  private void write(byte[] bytes) {
    out.write(bytes, 0, bytes.length);
  }
}
