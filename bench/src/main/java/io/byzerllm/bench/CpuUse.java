package io.byzerllm.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time spent by this process, in all and by thread group (a thread's name without its digits),
 * between two snapshots: what a request costs, whatever else the machine is doing. Threads that
 * ended between the snapshots are counted only in the process total.
 */
final class CpuUse {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final long processNanos;
  private final Map<Long, Long> byThread;
  private final Map<Long, String> names;

  private CpuUse(long processNanos, Map<Long, Long> byThread, Map<Long, String> names) {
    this.processNanos = processNanos;
    this.byThread = byThread;
    this.names = names;
  }

  static CpuUse now() {
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      long n = THREADS.getThreadCpuTime(t.getId());
      if (n >= 0) {
        cpu.put(t.getId(), n);
        names.put(t.getId(), t.getName().replaceAll("\\d+", "N"));
      }
    }
    long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
    return new CpuUse(process, cpu, names);
  }

  /** Microseconds of CPU per request since {@code before}: the whole process, then by thread group. */
  Map<String, Double> microsPerRequestSince(CpuUse before, long requests) {
    Map<String, Double> out = new TreeMap<>();
    byThread.forEach((id, nanos) -> out.merge(names.get(id),
        (nanos - before.byThread.getOrDefault(id, 0L)) / 1000.0 / Math.max(1, requests), Double::sum));
    out.values().removeIf(v -> v < 0.5);
    out.put("(process)", (processNanos - before.processNanos) / 1000.0 / Math.max(1, requests));
    return out;
  }
}
