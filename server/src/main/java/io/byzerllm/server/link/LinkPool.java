package io.byzerllm.server.link;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The connections of this node to one other node's link: the most recently used idle one first
 * (warm on both ends), at most {@code max} open; beyond that a call takes the cluster's message path.
 */
final class LinkPool {
  final String host;
  final int port;
  final String nodeName;
  final LinkFrames frames;
  final Executor io;
  /** Events a stream's reader may fall behind before the stream is ended. */
  final int streamBuffer;
  /** Run when a connect fails: the node's workers are called through the cluster's messages from then on. */
  final Runnable unreachable;
  private final int max;
  private final ArrayDeque<LinkConnection> idle = new ArrayDeque<>();
  private final Set<LinkConnection> all = new HashSet<>();
  private int open;
  private boolean closed;

  LinkPool(String host, int port, String nodeName, LinkFrames frames, Executor io, int max, int streamBuffer,
           Runnable unreachable) {
    this.unreachable = unreachable;
    this.streamBuffer = streamBuffer;
    this.host = host;
    this.port = port;
    this.nodeName = nodeName;
    this.frames = frames;
    this.io = io;
    this.max = max;
  }

  /** An idle connection, a new one (not yet connected) while under the limit, else null. */
  synchronized LinkConnection acquire() {
    LinkConnection c = idle.pollLast();
    if (c != null || closed || open >= max) {
      return c;
    }
    open++;
    LinkConnection fresh = new LinkConnection(this);
    all.add(fresh);
    return fresh;
  }

  synchronized void release(LinkConnection c) {
    if (closed) {
      c.abandon();
    } else if (!c.isClosed()) {
      idle.addLast(c);
    }
  }

  /** Called once per connection when it closes, whoever closed it. */
  synchronized void closed(LinkConnection c) {
    idle.remove(c);
    all.remove(c);
    open--;
  }

  /** Closes the connections in use (the node stopped answering): their calls and streams end now. */
  void abandonBusy() {
    List<LinkConnection> busy;
    synchronized (this) {
      busy = new ArrayList<>(all);
      busy.removeAll(idle);
    }
    busy.forEach(LinkConnection::abandon);
  }

  /** Takes out the connections idle since before {@code nanoTime}. */
  synchronized List<LinkConnection> idleSince(long nanoTime) {
    List<LinkConnection> old = new ArrayList<>();
    idle.removeIf(c -> {
      boolean stale = c.idleSince() - nanoTime < 0;
      if (stale) {
        old.add(c);
      }
      return stale;
    });
    return old;
  }

  /** Closes the idle connections now and each busy one when its call ends. */
  void close() {
    List<LinkConnection> idleNow;
    synchronized (this) {
      closed = true;
      idleNow = new ArrayList<>(idle);
      idle.clear();
    }
    idleNow.forEach(LinkConnection::abandon);
  }
}
