package io.byzerllm.deploy;

import java.util.Locale;

/**
 * CPUs and GPUs, fractional as Ray's are, held in thousandths so that 100 workers of 0.01 CPU add
 * up to exactly one CPU.
 */
public record Resources(long cpuMillis, long gpuMillis) {
  public static final Resources NONE = new Resources(0, 0);

  public Resources {
    if (cpuMillis < 0 || gpuMillis < 0) {
      throw new IllegalArgumentException("resources cannot be negative: " + cpuMillis + "m CPU, " + gpuMillis + "m GPU");
    }
  }

  public static Resources of(double cpus, double gpus) {
    return new Resources(Math.round(cpus * 1000), Math.round(gpus * 1000));
  }

  public double cpus() {
    return cpuMillis / 1000.0;
  }

  public double gpus() {
    return gpuMillis / 1000.0;
  }

  public Resources plus(Resources o) {
    return new Resources(cpuMillis + o.cpuMillis, gpuMillis + o.gpuMillis);
  }

  /** What is left after taking {@code o}; never below zero. */
  public Resources minus(Resources o) {
    return new Resources(Math.max(0, cpuMillis - o.cpuMillis), Math.max(0, gpuMillis - o.gpuMillis));
  }

  public Resources times(int n) {
    return new Resources(cpuMillis * n, gpuMillis * n);
  }

  public boolean covers(Resources o) {
    return cpuMillis >= o.cpuMillis && gpuMillis >= o.gpuMillis;
  }

  @Override
  public String toString() {
    return format(cpus()) + " CPU, " + format(gpus()) + " GPU";
  }

  private static String format(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
  }
}
