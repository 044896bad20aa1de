package io.byzerllm.worker.saas.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One blocking HTTP/1.1 connection: writes a POST (request line, headers and a Content-Length body
 * in one write) and reads its answer whole (Content-Length, chunked, or up to the connection's
 * end). One thread writes and one reads at a time (they may be two threads: a request is written by
 * whoever sends it while the connection's own thread waits for the answer); {@link #close()} may come
 * from any thread and makes a read or write under way fail at once.
 */
final class Http1Connection implements AutoCloseable {
  private static final int MAX_HEAD_BYTES = 64 * 1024; // status line and headers: more is not an HTTP answer we read
  private static final int MAX_LINE_BYTES = 16 * 1024;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String hostHeader;
  private volatile boolean reusable = true;

  private Http1Connection(Socket socket, String hostHeader) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    this.out = socket.getOutputStream();
    this.hostHeader = hostHeader;
  }

  /** Connects, failing with {@link java.net.ConnectException} when refused, {@link HttpConnectTimeoutException} when slow. */
  static Http1Connection open(String host, int port, Duration connectTimeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true); // the request goes in one write; do not hold it for an ACK
      socket.setKeepAlive(true);
      socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
      return new Http1Connection(socket, port == 80 ? host : host + ":" + port);
    } catch (SocketTimeoutException e) {
      close(socket);
      HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("connecting to " + host + ":" + port
          + " took longer than " + connectTimeout.toMillis() + " ms");
      timeout.initCause(e);
      throw timeout;
    } catch (IOException | RuntimeException e) {
      close(socket);
      throw e;
    }
  }

  /**
   * Sends {@code request} (its URI's path and query, its headers) with {@code body}, and reads the
   * answer whole. A failure before the answer's first byte is a plain {@link IOException} (the
   * request may never have reached the server: a connection it had closed while idle); one after
   * is {@link PlainHttpClient.AnswerBrokeOff}. Either way the connection is not reusable after.
   */
  HttpResponse<byte[]> exchange(HttpRequest request, byte[] body) throws IOException {
    send(request, body);
    return readAnswer(request);
  }

  /** Writes {@code request} with {@code body} in one write; a failure leaves the connection not reusable. */
  void send(HttpRequest request, byte[] body) throws IOException {
    try {
      out.write(head(request, body));
      out.flush();
    } catch (IOException | RuntimeException e) {
      reusable = false;
      throw e;
    }
  }

  /**
   * Waits for the next byte from the server without taking it: -1 when the server closed the
   * connection. A blocking read with no timeout (a timed read would switch the socket to
   * non-blocking reads and a poll: two more system calls per answer); {@link #close()} ends it.
   */
  int awaitByte() throws IOException {
    in.mark(1);
    int b = in.read();
    if (b >= 0) {
      in.reset();
    }
    return b;
  }

  /** Reads the answer to {@code request} (sent before) whole; failures as in {@link #exchange}. */
  HttpResponse<byte[]> readAnswer(HttpRequest request) throws IOException {
    try {
      return read(request);
    } catch (IOException | RuntimeException e) {
      reusable = false;
      throw e;
    }
  }

  /** Whether the last answer left the connection ready for another request. */
  boolean reusable() {
    return reusable && !socket.isClosed();
  }

  @Override
  public void close() {
    reusable = false;
    close(socket);
  }

  private byte[] head(HttpRequest request, byte[] body) {
    URI uri = request.uri();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    StringBuilder b = new StringBuilder(256).append("POST ").append(path);
    if (uri.getRawQuery() != null) {
      b.append('?').append(uri.getRawQuery());
    }
    b.append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
    for (Map.Entry<String, List<String>> h : request.headers().map().entrySet()) {
      String name = h.getKey();
      if (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("connection")) {
        continue; // ours to set: the JDK's builder refuses them too
      }
      for (String value : h.getValue()) {
        b.append(name).append(": ").append(value).append("\r\n");
      }
    }
    b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1); // header values were checked by HttpRequest's builder
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private HttpResponse<byte[]> read(HttpRequest request) throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("the connection closed before an answer");
    }
    try {
      int[] budget = {MAX_HEAD_BYTES};
      String statusLine = (char) first + line(budget);
      int status = status(statusLine);
      Map<String, List<String>> headers = headers(budget);
      while (status / 100 == 1) { // 100 Continue, 103 Early Hints: the answer follows
        budget[0] = MAX_HEAD_BYTES;
        statusLine = line(budget);
        status = status(statusLine);
        headers = headers(budget);
      }
      byte[] body = body(status, headers);
      if (closes(statusLine, headers)) {
        reusable = false;
      }
      return new PlainHttpResponse(request, status, HttpHeaders.of(headers, (n, v) -> true), body);
    } catch (IOException e) {
      throw new PlainHttpClient.AnswerBrokeOff("the answer broke off: " + e.getMessage(), e);
    }
  }

  private static int status(String statusLine) throws IOException {
    // "HTTP/1.1 200 OK": the code is the three digits after the first space
    int sp = statusLine.indexOf(' ');
    if (!statusLine.startsWith("HTTP/1.") || sp < 0 || statusLine.length() < sp + 4) {
      throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
    }
    int code = 0;
    for (int i = sp + 1; i < sp + 4; i++) {
      char c = statusLine.charAt(i);
      if (c < '0' || c > '9') {
        throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
      }
      code = code * 10 + (c - '0');
    }
    return code;
  }

  private Map<String, List<String>> headers(int[] budget) throws IOException {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(budget); !line.isEmpty(); line = line(budget)) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("not a header line: " + abbreviate(line));
      }
      headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
    }
    return headers;
  }

  private byte[] body(int status, Map<String, List<String>> headers) throws IOException {
    if (status == 204 || status == 304) {
      return new byte[0];
    }
    String encoding = last(headers, "Transfer-Encoding");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
      return chunked();
    }
    String length = last(headers, "Content-Length");
    if (length != null) {
      long n;
      try {
        n = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw new IOException("Content-Length is not a number: " + abbreviate(length));
      }
      if (n < 0 || n > Integer.MAX_VALUE - 16) {
        throw new IOException("Content-Length " + n + " is not a body we can hold");
      }
      return exactly((int) n);
    }
    reusable = false; // no length: the body ends with the connection
    return in.readAllBytes();
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
    int[] budget = {MAX_HEAD_BYTES};
    while (true) {
      String sizeLine = line(budget);
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
      int size;
      try {
        size = Integer.parseInt(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("not a chunk size: " + abbreviate(sizeLine));
      }
      if (size < 0) {
        throw new IOException("not a chunk size: " + abbreviate(sizeLine));
      }
      if (size == 0) {
        headers(budget); // trailers, if any, end with an empty line
        return body.toByteArray();
      }
      body.write(exactly(size));
      if (!line(budget).isEmpty()) {
        throw new IOException("a chunk of " + size + " bytes was not followed by CRLF");
      }
      budget[0] = MAX_HEAD_BYTES;
    }
  }

  private byte[] exactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("the connection closed after " + b.length + " of " + n + " bytes of the body");
    }
    return b;
  }

  /** One line without its CRLF (or bare LF), in ISO-8859-1; {@code budget} bounds the bytes of a whole head. */
  private String line(int[] budget) throws IOException {
    StringBuilder b = new StringBuilder(64);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the connection closed inside the answer's head");
      }
      if (--budget[0] < 0 || b.length() >= MAX_LINE_BYTES) {
        throw new IOException("the answer's head is longer than " + MAX_HEAD_BYTES + " bytes");
      }
      b.append((char) c);
    }
    int n = b.length();
    return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
  }

  private static boolean closes(String statusLine, Map<String, List<String>> headers) {
    String connection = last(headers, "Connection");
    String c = connection == null ? "" : connection.toLowerCase(Locale.ROOT);
    return c.contains("close") || (statusLine.startsWith("HTTP/1.0") && !c.contains("keep-alive"));
  }

  private static String last(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all we wanted; there is nothing left to tell
    }
  }
}
