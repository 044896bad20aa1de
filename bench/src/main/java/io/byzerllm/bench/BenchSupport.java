package io.byzerllm.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every benchmark program prints about its run, and its {@code --name value} options. */
final class BenchSupport {
  private BenchSupport() {}

  /** {@code --name value} pairs, in order. */
  static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  /** {@code k=v,k=v} as an ordered map (a key without {@code =} maps to ""). */
  static Map<String, String> pairs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (!pair.isBlank()) {
        String[] kv = pair.split("=", 2);
        out.put(kv[0].trim(), kv.length == 2 ? kv[1].trim() : "");
      }
    }
    return out;
  }

  /** The command as run, with the (long) class path abbreviated to its entry count. */
  static String commandLine(Class<?> program, String[] args) {
    List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    int classPathEntries = System.getProperty("java.class.path").split(File.pathSeparator).length;
    return ("java " + String.join(" ", jvmFlags) + " -cp <" + classPathEntries + " entries> "
        + program.getName() + " " + String.join(" ", args)).replaceAll(" +", " ").trim();
  }

  /** The JVM, the cores it sees and the operating system, on one line. */
  static String machine() {
    return String.format("java %s (%s), %d cores, %s %s", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  /** The one-minute system load average (other processes share these cores). */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** CPU time of this process so far: what the work cost, however busy the machine is with others' work. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
