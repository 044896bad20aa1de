package io.byzerllm.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A {@code multipart/form-data} body written by hand, since the JDK client has no builder for it. */
final class MultipartBody {
  private final String boundary = "byzerllm-" + UUID.randomUUID();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  MultipartBody field(String name, Object value) {
    if (value != null) {
      head("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
      bytes(value.toString().getBytes(StandardCharsets.UTF_8));
      bytes(new byte[] {'\r', '\n'});
    }
    return this;
  }

  MultipartBody file(String name, String fileName, String contentType, byte[] content) {
    head("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName.replace("\"", "_")
        + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
    bytes(content);
    bytes(new byte[] {'\r', '\n'});
    return this;
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  byte[] toBytes() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return copy.toByteArray();
  }

  private void head(String headers) {
    bytes(("--" + boundary + "\r\n" + headers).getBytes(StandardCharsets.UTF_8));
  }

  private void bytes(byte[] b) {
    out.writeBytes(b);
  }
}
