package io.byzerllm.server.keys;

import io.byzerllm.deploy.OverloadedException;
import io.byzerllm.worker.CborSerializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The limits of issued keys, enforced by every node against the cluster's usage: what this node
 * admitted (exact, counted here) plus what the other nodes last reported ({@link UsageGossip}).
 * Requests and tokens count in fixed one-minute windows (epoch minutes, so every node's window is
 * the same one); concurrent requests are counted from admission until the answer (a stream: its
 * end). A node admits against a view of the others that is at most one report interval old, so the
 * cluster can exceed a limit by what the other nodes admit within that interval.
 */
public final class KeyLimiter {
  private static final long WINDOW_MILLIS = 60_000;

  /** One key's usage on one node in window {@code window} (epoch minute). */
  public record Usage(int inFlight, long window, long requests, long tokens) implements CborSerializable {}

  /** What one node reports: usage per key id. */
  public record NodeUsage(Map<String, Usage> byKey) implements CborSerializable {
    public NodeUsage {
      byKey = Map.copyOf(byKey);
    }
  }

  private final LongSupplier clockMillis;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private volatile Map<String, Usage> elsewhere = Map.of();

  /** {@code clockMillis}: wall-clock epoch milliseconds (every node must agree on the minute). */
  public KeyLimiter(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** A key's counters on this node; every field guarded by the counter itself (short sections, no callbacks). */
  private static final class Counter {
    int inFlight;
    long window;
    long requests;
    long tokens;

    void roll(long now) {
      if (window != now) {
        window = now;
        requests = 0;
        tokens = 0;
      }
    }
  }

  /**
   * An admitted request: give it back exactly once with the tokens it used. Carries what is left of
   * the key's minute for the response headers (-1: no such limit).
   */
  public final class Grant {
    private final Counter counter;
    private final AtomicBoolean done = new AtomicBoolean();
    private final long remainingRequests;
    private final long remainingTokens;

    private Grant(Counter counter, long remainingRequests, long remainingTokens) {
      this.counter = counter;
      this.remainingRequests = remainingRequests;
      this.remainingTokens = remainingTokens;
    }

    public long remainingRequests() {
      return remainingRequests;
    }

    public long remainingTokens() {
      return remainingTokens;
    }

    /** Ends the request; {@code tokens} it used (0 when unknown). Later calls do nothing. */
    public void finish(long tokens) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      long now = window();
      synchronized (counter) {
        counter.inFlight--;
        counter.roll(now);
        counter.tokens += Math.max(0, tokens);
      }
    }
  }

  /** Admits one request of {@code key} or throws {@link OverloadedException} (429, Retry-After). */
  public Grant admit(ApiKey key) {
    KeyLimits limits = key.limits();
    Counter c = counters.computeIfAbsent(key.id(), id -> new Counter());
    long nowMillis = clockMillis.getAsLong();
    long now = nowMillis / WINDOW_MILLIS;
    Usage other = elsewhere.get(key.id());
    int otherInFlight = other == null ? 0 : other.inFlight();
    long otherRequests = other == null || other.window() != now ? 0 : other.requests();
    long otherTokens = other == null || other.window() != now ? 0 : other.tokens();
    Duration toNextWindow = Duration.ofMillis((now + 1) * WINDOW_MILLIS - nowMillis);
    long remainingRequests;
    long remainingTokens;
    synchronized (c) {
      c.roll(now);
      if (limits.maxConcurrent() > 0 && c.inFlight + otherInFlight >= limits.maxConcurrent()) {
        throw refused(key, limits.maxConcurrent() + " concurrent requests", Duration.ofSeconds(1));
      }
      long requests = c.requests + otherRequests;
      if (limits.requestsPerMinute() > 0 && requests >= limits.requestsPerMinute()) {
        throw refused(key, limits.requestsPerMinute() + " requests per minute", toNextWindow);
      }
      long tokens = c.tokens + otherTokens;
      if (limits.tokensPerMinute() > 0 && tokens >= limits.tokensPerMinute()) {
        throw refused(key, limits.tokensPerMinute() + " tokens per minute", toNextWindow);
      }
      c.inFlight++;
      c.requests++;
      remainingRequests = limits.requestsPerMinute() > 0 ? limits.requestsPerMinute() - requests - 1 : -1;
      remainingTokens = limits.tokensPerMinute() > 0 ? limits.tokensPerMinute() - tokens : -1;
    }
    return new Grant(c, remainingRequests, remainingTokens);
  }

  private static OverloadedException refused(ApiKey key, String limit, Duration retryAfter) {
    return new OverloadedException("key " + key.id() + " is limited to " + limit + " across the cluster; retry after "
        + Math.max(1, (retryAfter.toMillis() + 999) / 1000) + "s or ask an admin to raise the key's limit", retryAfter);
  }

  /** This node's usage of the current window, for the other nodes. */
  public Map<String, Usage> local() {
    long now = window();
    Map<String, Usage> out = new HashMap<>();
    counters.forEach((id, c) -> {
      synchronized (c) {
        c.roll(now);
        if (c.inFlight > 0 || c.requests > 0 || c.tokens > 0) {
          out.put(id, new Usage(c.inFlight, c.window, c.requests, c.tokens));
        }
      }
    });
    return out;
  }

  /** Key {@code id}'s usage in the current minute across the cluster, as this node knows it. */
  public Usage clusterUsage(String id) {
    long now = window();
    Usage mine = local().getOrDefault(id, new Usage(0, now, 0, 0));
    Usage other = elsewhere.get(id);
    if (other == null) {
      return mine;
    }
    boolean current = other.window() == now;
    return new Usage(mine.inFlight() + other.inFlight(), now, mine.requests() + (current ? other.requests() : 0),
        mine.tokens() + (current ? other.tokens() : 0));
  }

  /** The other nodes' usage, summed per key (their reports of an older window count only in flight). */
  void elsewhere(Iterable<NodeUsage> others) {
    long now = window();
    Map<String, Usage> sum = new HashMap<>();
    for (NodeUsage n : others) {
      n.byKey().forEach((id, u) -> {
        boolean current = u.window() == now;
        Usage add = new Usage(u.inFlight(), now, current ? u.requests() : 0, current ? u.tokens() : 0);
        sum.merge(id, add, (a, b) -> new Usage(a.inFlight() + b.inFlight(), now, a.requests() + b.requests(),
            a.tokens() + b.tokens()));
      });
    }
    elsewhere = Map.copyOf(sum);
  }

  private long window() {
    return clockMillis.getAsLong() / WINDOW_MILLIS;
  }
}
