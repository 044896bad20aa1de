package io.byzerllm.worker.bge;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A FIFO queue whose {@link #addAll} is atomic: the texts of one call enter together, so the
 * batching thread never sees half a call ({@code LinkedBlockingQueue.addAll} adds one at a time).
 */
final class WorkQueue<T> {
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();

  void addAll(Collection<T> batch) {
    lock.lock();
    try {
      items.addAll(batch);
      notEmpty.signal(); // one taker; it wakes the next if items remain (see take), so idle ones sleep on
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the head. */
  T take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        notEmpty.await();
      }
      T head = items.poll();
      if (!items.isEmpty()) {
        notEmpty.signal();
      }
      return head;
    } finally {
      lock.unlock();
    }
  }

  /** Waits at most {@code timeout} for the head; null when none came. */
  T poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (items.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      T head = items.poll();
      if (!items.isEmpty()) {
        notEmpty.signal();
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
