package io.peershare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * What the machine did around a phase, from Linux's counters: the share of the cores stolen by the
 * hypervisor and waiting on I/O, CPU pressure (PSI), context switches, minor page faults of this
 * JVM and of a local Redis, major faults, and the mean CPU clock. A phase whose rate is off can
 * then be told apart from one whose machine was (run Z in docs/benchmarks.md). Reads 0 where a file
 * is missing.
 */
final class MachineCounters {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  final long nanos;
  final long wallMillis;
  final long[] cpu; // user nice system idle iowait irq softirq steal, in ticks
  final long contextSwitches;
  final long cpuPressureMicros;
  final long memoryPressureMicros;
  final long majorFaults;
  final long jvmMinorFaults;
  final long redisMinorFaults;
  final double mhz;

  private MachineCounters(long redisPid) {
    nanos = System.nanoTime();
    wallMillis = System.currentTimeMillis();
    String[] stat = lines("/proc/stat");
    cpu = cpuTicks(stat);
    long ctxt = 0;
    for (String line : stat) {
      if (line.startsWith("ctxt ")) {
        ctxt = Long.parseLong(line.substring(5).trim());
      }
    }
    contextSwitches = ctxt;
    cpuPressureMicros = pressure("/proc/pressure/cpu");
    memoryPressureMicros = pressure("/proc/pressure/memory");
    long major = 0;
    for (String line : lines("/proc/vmstat")) {
      if (line.startsWith("pgmajfault ")) {
        major = Long.parseLong(line.substring(11).trim());
      }
    }
    majorFaults = major;
    jvmMinorFaults = minorFaults("self");
    redisMinorFaults = redisPid > 0 ? minorFaults(Long.toString(redisPid)) : 0;
    double sum = 0;
    int n = 0;
    for (String line : lines("/proc/cpuinfo")) {
      if (line.startsWith("cpu MHz")) {
        sum += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        n++;
      }
    }
    mhz = n == 0 ? 0 : sum / n;
  }

  /**
   * All cores' time in ticks from {@code /proc/stat}'s first line: user, nice, system, idle,
   * iowait, irq, softirq, steal (zeros where it cannot be read).
   */
  static long[] cpuTicks() {
    return cpuTicks(lines("/proc/stat"));
  }

  private static long[] cpuTicks(String[] stat) {
    long[] c = new long[8];
    for (String line : stat) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        for (int i = 0; i < c.length && i + 1 < f.length; i++) {
          c[i] = Long.parseLong(f[i + 1]);
        }
      }
    }
    return c;
  }

  /** The counters now; {@code redisPid} 0 when Redis is not on this machine (or not known). */
  static MachineCounters now(long redisPid) {
    return new MachineCounters(redisPid);
  }

  /** Wall clock of this snapshot, UTC, to the millisecond. */
  String clock() {
    return CLOCK.format(Instant.ofEpochMilli(wallMillis));
  }

  /**
   * One line from {@code before} to this snapshot: steal and iowait as a share of all cores' time,
   * CPU pressure in ms per second, context switches and minor faults per reply (per {@code
   * replies}), major faults, the mean MHz of both ends.
   */
  String since(MachineCounters before, double replies) {
    long total = 0;
    for (int i = 0; i < cpu.length; i++) {
      total += cpu[i] - before.cpu[i];
    }
    double seconds = (nanos - before.nanos) / 1e9;
    return String.format(
        "%s-%s steal %.1f %%, iowait %.1f %%, cpu pressure %.0f ms/s, memory pressure %.0f ms/s,"
            + " %.2f context switches per reply, minor faults per 1000 replies: JVM %.1f, Redis"
            + " %s; major faults %d; %.0f MHz",
        before.clock(),
        clock(),
        total > 0 ? (cpu[7] - before.cpu[7]) * 100.0 / total : 0,
        total > 0 ? (cpu[4] - before.cpu[4]) * 100.0 / total : 0,
        (cpuPressureMicros - before.cpuPressureMicros) / 1e3 / seconds,
        (memoryPressureMicros - before.memoryPressureMicros) / 1e3 / seconds,
        (contextSwitches - before.contextSwitches) / replies,
        (jvmMinorFaults - before.jvmMinorFaults) / replies * 1000,
        redisMinorFaults == 0
            ? "-"
            : String.format("%.1f", (redisMinorFaults - before.redisMinorFaults) / replies * 1000),
        majorFaults - before.majorFaults,
        (mhz + before.mhz) / 2);
  }

  private static long minorFaults(String pid) {
    String stat = read("/proc/" + pid + "/stat");
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return 0;
    }
    // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt ...
    String[] f = stat.substring(close + 2).trim().split("\\s+");
    return f.length > 7 ? Long.parseLong(f[7]) : 0;
  }

  private static long pressure(String file) {
    for (String line : lines(file)) {
      int at = line.indexOf("total=");
      if (line.startsWith("some") && at >= 0) {
        return Long.parseLong(line.substring(at + 6).trim());
      }
    }
    return 0;
  }

  private static String[] lines(String file) {
    String s = read(file);
    return s.isEmpty() ? new String[0] : s.split("\n");
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
