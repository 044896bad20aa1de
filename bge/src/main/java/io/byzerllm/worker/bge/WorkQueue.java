package io.byzerllm.worker.bge;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A FIFO queue whose {@link #addAll} is atomic: the texts of one call enter together, so the
 * batching thread never sees half a call ({@code LinkedBlockingQueue.addAll} adds one at a time).
 *
 * <p>Each taker has a rank, and of those waiting the lowest is woken first: a caller alone then always finds
 * the first batching thread, the one that runs passes of a text alone over several engine threads (a PyTorch
 * pass over several threads has an OpenMP team per calling thread, whose threads spin on the cores after a
 * pass: two such teams take turns slowing each other down; docs/benchmarks.md).
 */
final class WorkQueue<T> {
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  /** Waiting takers by rank. */
  private final TreeMap<Integer, Condition> waiters = new TreeMap<>();

  void addAll(Collection<T> batch) {
    lock.lock();
    try {
      items.addAll(batch);
      wakeOne(); // one taker; it wakes the next if items remain (see take), so idle ones sleep on
    } finally {
      lock.unlock();
    }
  }

  private void wakeOne() {
    Map.Entry<Integer, Condition> first = waiters.firstEntry();
    if (first != null) {
      first.getValue().signal();
    }
  }

  /** Waits for the head, as the taker of {@code rank} (takers wait with distinct ranks). */
  T take(int rank) throws InterruptedException {
    return poll(Long.MAX_VALUE, TimeUnit.NANOSECONDS, rank);
  }

  /** Waits at most {@code timeout} for the head, as the taker of {@code rank}; null when none came. */
  T poll(long timeout, TimeUnit unit, int rank) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      if (items.isEmpty()) {
        Condition mine = lock.newCondition();
        waiters.put(rank, mine);
        try {
          while (items.isEmpty()) {
            if (nanos <= 0) {
              return null;
            }
            nanos = mine.awaitNanos(nanos);
          }
        } finally {
          waiters.remove(rank); // before waking another: a signal to this one may be what woke it
        }
      }
      T head = items.poll();
      if (!items.isEmpty()) {
        wakeOne();
      }
      return head;
    } finally {
      lock.unlock();
    }
  }

  /** The head without waiting, or null. */
  T poll() {
    lock.lock();
    try {
      return items.poll();
    } finally {
      lock.unlock();
    }
  }

  /** The head if it matches, removed; else null (atomic: several takers may share the queue). */
  T pollIf(Predicate<T> matches) {
    lock.lock();
    try {
      T head = items.peek();
      return head != null && matches.test(head) ? items.poll() : null;
    } finally {
      lock.unlock();
    }
  }

  /** The head without removing it, or null. */
  T peek() {
    lock.lock();
    try {
      return items.peek();
    } finally {
      lock.unlock();
    }
  }
}
