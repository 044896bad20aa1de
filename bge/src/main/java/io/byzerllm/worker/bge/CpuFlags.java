package io.byzerllm.worker.bge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The instruction-set flags of this machine's CPU as Linux reports them ({@code /proc/cpuinfo}'s
 * {@code flags} line): what decides whether bf16 is worth trying. On other systems, or where the file
 * cannot be read, the set is empty and bf16 counts as absent.
 */
record CpuFlags(Set<String> flags, String source) {
  /** Flags of CPUs whose bfloat16 dot products oneDNN uses: AMX tiles (Intel Sapphire Rapids on) and AVX-512 BF16. */
  static final List<String> BF16 = List.of("avx512_bf16", "amx_bf16");

  CpuFlags {
    flags = Set.copyOf(flags);
  }

  static CpuFlags detect() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux") || !Files.isReadable(cpuinfo)) {
      return new CpuFlags(Set.of(), "no /proc/cpuinfo on " + System.getProperty("os.name"));
    }
    try {
      return parse(Files.readString(cpuinfo, StandardCharsets.ISO_8859_1), cpuinfo.toString());
    } catch (IOException e) {
      return new CpuFlags(Set.of(), cpuinfo + " unreadable (" + e.getMessage() + ")");
    }
  }

  /** The first {@code flags} line of a cpuinfo text: every core of one machine reports the same. */
  static CpuFlags parse(String cpuinfo, String source) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
        Set<String> flags = new TreeSet<>();
        for (String flag : line.substring(colon + 1).trim().split("\\s+")) {
          if (!flag.isEmpty()) {
            flags.add(flag);
          }
        }
        return new CpuFlags(flags, source);
      }
    }
    return new CpuFlags(Set.of(), source + " has no flags line");
  }

  /** The bf16 flags present, e.g. {@code [avx512_bf16]}; empty when the CPU has none. */
  Set<String> bf16Flags() {
    Set<String> present = new TreeSet<>(BF16);
    present.retainAll(flags);
    return present;
  }

  boolean hasBf16() {
    return !bf16Flags().isEmpty();
  }
}
