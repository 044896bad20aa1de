package io.byzerllm.worker.saas.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 server on a loopback {@link ServerSocket} for the edge cases no well-behaved
 * server shows: each accepted connection runs the next {@link Script} (the last one repeats), which
 * reads requests and writes whatever bytes it likes. Records the requests' heads and the connections.
 */
public final class RawHttpServer implements AutoCloseable {
  /** What one connection does; it returns when it is done with the connection (which is then closed). */
  public interface Script {
    void run(Connection c) throws IOException;
  }

  /** One accepted connection, as a script sees it. */
  public static final class Connection {
    public final Socket socket;
    final InputStream in;
    final OutputStream out;
    private final List<String> requests;

    Connection(Socket socket, List<String> requests) throws IOException {
      this.socket = socket;
      this.requests = requests;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    /** Reads one request (head and Content-Length body) and returns its head; null if the client closed first. */
    public String readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      for (int c = in.read(); ; c = in.read()) {
        if (c < 0) {
          return null;
        }
        head.write(c);
        matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        if (matched == 4) {
          break;
        }
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      requests.add(text);
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          in.readNBytes(Integer.parseInt(line.substring(15).trim()));
        }
      }
      return text;
    }

    public void write(String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** Waits until the client closes the connection (true) or {@code seconds} pass (false). */
    public boolean clientClosesWithin(int seconds) throws IOException {
      socket.setSoTimeout(seconds * 1000);
      try {
        while (in.read() >= 0) {
          // a client that closes sends nothing more; drain whatever it sent
        }
        return true;
      } catch (java.net.SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true; // reset by the client: closed too
      }
    }
  }

  private final ServerSocket server;
  private final List<Script> scripts;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private RawHttpServer(List<Script> scripts) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.scripts = List.copyOf(scripts);
    this.acceptor = new Thread(this::accept, "raw-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static RawHttpServer start(Script... scripts) throws IOException {
    return new RawHttpServer(List.of(scripts));
  }

  public int port() {
    return server.getLocalPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** The heads of the requests scripts read, in the order read. */
  public List<String> requests() {
    return requests;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        int n = accepted.incrementAndGet();
        Script script = scripts.get(Math.min(n, scripts.size()) - 1);
        Thread t = new Thread(() -> {
          try (s) {
            script.run(new Connection(s, requests));
          } catch (IOException e) {
            // the client went; the script's expectations say whether that was right
          }
        }, "raw-http-" + n);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
