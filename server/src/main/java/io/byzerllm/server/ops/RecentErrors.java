package io.byzerllm.server.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last error answers of a node, newest first, for the dashboard: a bounded ring (the oldest
 * goes when it is full). Messages are the ones callers got, which are already redacted.
 */
public final class RecentErrors {

  public record Entry(Instant time, String model, String endpoint, int status, String message) {}

  private final int capacity;
  private final ArrayDeque<Entry> ring;

  public RecentErrors(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("byzerllm.ops.recent-errors must be at least 1 (got " + capacity + ")");
    }
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(capacity);
  }

  public void add(Entry e) {
    synchronized (ring) {
      if (ring.size() == capacity) {
        ring.removeLast();
      }
      ring.addFirst(e);
    }
  }

  /** Newest first. */
  public List<Entry> list() {
    synchronized (ring) {
      return new ArrayList<>(ring);
    }
  }

  /** {@code {"errors":[{"time","model","endpoint","status","message"}]}}, newest first. */
  public ObjectNode json() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode errors = root.putArray("errors");
    for (Entry e : list()) {
      ObjectNode o = errors.addObject();
      o.put("time", e.time().toString());
      o.put("model", e.model());
      o.put("endpoint", e.endpoint());
      o.put("status", e.status());
      o.put("message", e.message());
    }
    return root;
  }
}
