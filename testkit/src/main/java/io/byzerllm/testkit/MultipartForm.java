package io.byzerllm.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code multipart/form-data} body (RFC 7578), enough for OpenAI's audio uploads. */
record MultipartForm(List<Part> parts) {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
  private static final Pattern NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

  /** One field; {@code fileName} is null for plain fields. */
  record Part(String name, String fileName, String contentType, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  MultipartForm {
    parts = List.copyOf(parts);
  }

  /** Parses the body; throws IllegalArgumentException when it is not multipart/form-data. */
  static MultipartForm parse(String contentType, byte[] body) {
    Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data") || !m.find()) {
      throw new IllegalArgumentException("expected multipart/form-data with a boundary (got " + contentType + ")");
    }
    byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    List<Part> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break;
      }
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        throw new IllegalArgumentException("multipart body has no closing boundary");
      }
      parts.add(part(body, start + 2, next - 2)); // skip CRLF after the delimiter and before the next
      at = next;
    }
    return new MultipartForm(parts);
  }

  private static Part part(byte[] body, int from, int to) {
    int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), from);
    if (headerEnd < 0 || headerEnd > to) {
      throw new IllegalArgumentException("multipart part without headers");
    }
    String headers = new String(body, from, headerEnd - from, StandardCharsets.UTF_8);
    String name = null;
    String fileName = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-disposition:")) {
        Matcher n = NAME.matcher(line);
        name = n.find() ? n.group(1) : null;
        Matcher f = FILENAME.matcher(line);
        fileName = f.find() ? f.group(1) : null;
      } else if (lower.startsWith("content-type:")) {
        type = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    byte[] data = java.util.Arrays.copyOfRange(body, headerEnd + 4, Math.max(headerEnd + 4, to));
    return new Part(name, fileName, type, data);
  }

  /** The first part with this name, or null. */
  Part get(String name) {
    return parts.stream().filter(p -> name.equals(p.name())).findFirst().orElse(null);
  }

  List<String> values(String name) {
    return parts.stream().filter(p -> name.equals(p.name())).map(Part::text).toList();
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
