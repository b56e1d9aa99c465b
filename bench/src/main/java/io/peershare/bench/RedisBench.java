package io.peershare.bench;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.peershare.index.CookieJar;
import io.peershare.index.IndexServer;
import io.peershare.index.RegistryLimits;
import io.peershare.index.redis.RedisNode;
import io.peershare.index.redis.RedisRegistry;
import io.peershare.index.redis.RedisStore;
import io.peershare.index.redis.StoreUrl;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry in Redis, measured in one run beside its baseline: S and R requests per second of
 * one in-memory node, one Redis node and three Redis nodes on the same Redis (IndexLoad's UDP load,
 * sockets spread over the nodes), then Redis memory per registration at {@code --registrations}
 * registrations (INFO memory before and after; 10 per peer, {@code --providers} per content, 4 by
 * default) and what each structure costs (MEMORY USAGE of every key of a sample). Each phase's R
 * path is warmed up first ({@code --warm-up-r}, 2 s of R under other names; 0: none). After each
 * phase a machine line ({@link MachineCounters}: steal, faults, pressure) tells a slow machine from
 * a slow phase; {@code --pairs N} adds N adjacent in-memory/store R pairs. Needs a Redis of its
 * own: it flushes it.
 *
 * <p>Run through {@code bench/redis.sh}, which starts and stops that Redis.
 */
public final class RedisBench {
  private static final Digest DIGEST = Digest.sha256("bench".getBytes(StandardCharsets.UTF_8));

  /** Registrations in flight while filling: enough to pipeline, few enough to never time out. */
  private static final int WINDOW = 256;

  /**
   * The pid of the Redis measured when it runs on this machine (INFO server's process_id names a
   * redis-server here), else 0: its minor faults go into each phase's machine line.
   */
  private static long redisPid;

  /** The store flushed and measured, for the machine line's Redis memory figures. */
  private static RedisStore infoStore;

  private RedisBench() {}

  public static void main(String[] args) throws Exception {
    StoreUrl url = null;
    int seconds = 5;
    int sockets = 6;
    int window = 32;
    int registrations = 1_000_000;
    // as `peershare index` runs: one socket thread per core
    int threads = Runtime.getRuntime().availableProcessors();
    boolean load = true;
    // providers per content in the fill (each content's keys and listing entry are shared by them)
    int providers = 4;
    // which node counts to measure on the store, whether to measure the in-memory node first, and a
    // shell command run during each R phase (e.g. perf over just that phase)
    int[] nodeCounts = {1, 3};
    boolean baseline = true;
    String duringR = null;
    // sockets (and threads) of each Redis node; 0: as --threads, as `peershare index` starts one
    int nodeThreads = 0;
    // seconds of R load under other names before each phase, on the phase's own nodes (a Redis
    // store is flushed after it) or, in memory, on a throwaway node of the same kind: the R path
    // compiled before it is measured, as in a node that has run for a while (run U in
    // docs/benchmarks.md: without it the three-node phase spent 0.4-2.6 us of JIT per R,
    // recompiling what the one-node phase had compiled); 0 measures as before run U
    int warmUpR = 2;
    // after the usual phases, this many more pairs of R phases side by side: the in-memory node,
    // then the last --nodes count on the store; each pair's ratio compares phases ~15 s apart
    // instead of the turn's first and last (run Z in docs/benchmarks.md); 0: none
    int pairs = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--redis" -> url = StoreUrl.parse(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--sockets" -> sockets = Integer.parseInt(args[i + 1]);
        case "--window" -> window = Integer.parseInt(args[i + 1]);
        case "--registrations" -> registrations = Integer.parseInt(args[i + 1]);
        case "--load" -> load = Boolean.parseBoolean(args[i + 1]);
        case "--providers" -> providers = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--nodes" ->
            nodeCounts =
                java.util.Arrays.stream(args[i + 1].split(","))
                    .mapToInt(Integer::parseInt)
                    .toArray();
        case "--baseline" -> baseline = Boolean.parseBoolean(args[i + 1]);
        case "--during-r" -> duringR = args[i + 1];
        case "--node-threads" -> nodeThreads = Integer.parseInt(args[i + 1]);
        case "--warm-up-r" -> warmUpR = Integer.parseInt(args[i + 1]);
        case "--pairs" -> pairs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("give --redis redis://HOST:PORT (it will be flushed)");
    }
    try (RedisStore store = RedisStore.connect(url)) {
      infoStore = store;
      redisPid = localRedisPid(store);
      if (load) {
        throughput(
            store,
            seconds,
            sockets,
            window,
            threads,
            nodeThreads > 0 ? nodeThreads : threads,
            nodeCounts,
            baseline,
            duringR,
            warmUpR,
            pairs);
      }
      if (registrations > 0) {
        memory(store, registrations, providers);
      }
    }
  }

  private static IndexServer.Config config(int threads) {
    return IndexServer.Config.defaults()
        .withPort(0)
        .withBind(InetAddress.getLoopbackAddress())
        .withRatePerSecond(0)
        .withLimits(new RegistryLimits(1_000_000, 50_000_000))
        .withThreads(threads);
  }

  /**
   * The in-memory node with one thread and with {@code threads} (its faster setting is the baseline
   * of each column: on two shared cores one thread is often faster), then the Redis nodes with
   * {@code nodeThreads} each ({@code --node-threads}; by default {@code threads}, as the command
   * line starts them).
   */
  private static void throughput(
      RedisStore store,
      int seconds,
      int sockets,
      int window,
      int threads,
      int nodeThreads,
      int[] nodeCounts,
      boolean baseline,
      String duringR,
      int warmUpR,
      int pairs)
      throws Exception {
    if (warmUpR > 0) {
      cookiesOfLastMinute();
    }
    Map<String, double[]> rates = new LinkedHashMap<>();
    for (int t : !baseline ? new int[0] : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
      if (warmUpR > 0) {
        try (IndexServer throwaway = new IndexServer(config(t)).start()) {
          IndexLoad.registersWarmUp(List.of(throwaway.localAddress()), warmUpR, sockets, window);
        }
      }
      try (IndexServer memory = new IndexServer(config(t)).start()) {
        rates.put(
            "memory, " + t + " thr",
            measure(List.of(memory), null, seconds, sockets, window, duringR, "memory-" + t));
      }
    }
    for (int n : nodeCounts) {
      flush(store);
      rates.put(
          "redis, " + n + " node" + (n > 1 ? "s" : "") + " x " + nodeThreads + " thr",
          onRedisNodes(
              store,
              n,
              nodeThreads,
              warmUpR,
              sockets,
              window,
              nodes -> measure(nodes, store, seconds, sockets, window, duringR, "redis-" + n)));
    }
    double[] base = {Double.NaN, Double.NaN};
    rates.forEach(
        (k, v) -> {
          if (k.startsWith("memory")) {
            base[0] = Double.isNaN(base[0]) ? v[0] : Math.max(base[0], v[0]);
            base[1] = Double.isNaN(base[1]) ? v[1] : Math.max(base[1], v[1]);
          }
        });
    System.out.printf("%n%-22s %12s %8s %12s %8s%n", "", "S req/s", "x mem", "R req/s", "x mem");
    rates.forEach(
        (k, v) ->
            System.out.printf(
                "%-22s %,12.0f %8.2f %,12.0f %8.2f%n",
                k, v[0], v[0] / base[0], v[1], v[1] / base[1]));
    if (pairs > 0 && baseline && nodeCounts.length > 0) {
      // the in-memory setting that was faster in R above, against the last node count
      int t = threads;
      double best = 0;
      for (var e : rates.entrySet()) {
        if (e.getKey().startsWith("memory") && e.getValue()[1] > best) {
          best = e.getValue()[1];
          t = Integer.parseInt(e.getKey().replaceAll("\\D+", " ").trim());
        }
      }
      pairs(
          store,
          pairs,
          t,
          nodeCounts[nodeCounts.length - 1],
          nodeThreads,
          seconds,
          sockets,
          window,
          warmUpR);
    }
  }

  /**
   * Checks cookies issued a minute earlier, as every node does each minute when its clients'
   * cookies roll into the next bucket (part of the warm-up). Without it the first such check in
   * this JVM came at the one minute boundary of the run (a turn lasts about a minute), in whichever
   * phase that fell: C2 had never seen a cookie matched past its first bucket, so the check trapped
   * and the request check it is inlined in (`DatagramHandler.check`, ~3 KB compiled, ~260 ms of C2)
   * was compiled again inside that phase (run AE in docs/benchmarks.md).
   */
  private static void cookiesOfLastMinute() {
    CookieJar jar = new CookieJar(new SplittableRandom(1));
    InetAddress ip = InetAddress.getLoopbackAddress();
    long now = System.currentTimeMillis();
    long current = jar.issue(ip, 1, now);
    long lastMinute = jar.issue(ip, 1, now - CookieJar.BUCKET_MILLIS);
    int valid = 0;
    for (int i = 0; i < 200_000; i++) {
      valid += jar.isValid(ip, 1, (i & 1) == 0 ? current : lastMinute, now) ? 1 : 0;
    }
    if (valid != 200_000) {
      throw new IllegalStateException("a cookie of the last minute did not check");
    }
  }

  /** What runs on started Redis nodes ({@link #onRedisNodes}). */
  @FunctionalInterface
  private interface OnNodes<T> {
    T run(List<IndexServer> nodes) throws Exception;
  }

  /**
   * Starts {@code n} index nodes on the store, each with a Redis connection of its own, as separate
   * node processes have (one connection's replies are read and completed on one Lettuce thread);
   * warms their R path up when {@code warmUpR} > 0 (then flushes the store); runs {@code body} on
   * them and closes them and their connections.
   */
  private static <T> T onRedisNodes(
      RedisStore store,
      int n,
      int nodeThreads,
      int warmUpR,
      int sockets,
      int window,
      OnNodes<T> body)
      throws Exception {
    List<IndexServer> nodes = new ArrayList<>();
    List<RedisStore> connections = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        RedisStore own = RedisStore.connect(store.url());
        connections.add(own);
        nodes.add(RedisNode.start(config(nodeThreads), own, RedisRegistry.SWEEP_INTERVAL_MILLIS));
      }
      if (warmUpR > 0) {
        IndexLoad.registersWarmUp(
            nodes.stream().map(IndexServer::localAddress).toList(), warmUpR, sockets, window);
        flush(store);
      }
      return body.run(nodes);
    } finally {
      nodes.forEach(IndexServer::close);
      connections.forEach(RedisStore::close);
    }
  }

  /**
   * {@code count} pairs of R phases, the in-memory node with {@code memoryThreads} then {@code n}
   * Redis nodes, each pair's ratio printed and their median: the two phases of a pair run ~15 s
   * apart in one JVM, where the table's ratio divides the turn's last phase by its first (~40 s
   * earlier), so a machine that changes speed between them moves a pair's ratio less.
   */
  private static void pairs(
      RedisStore store,
      int count,
      int memoryThreads,
      int n,
      int nodeThreads,
      int seconds,
      int sockets,
      int window,
      int warmUpR)
      throws Exception {
    List<Double> ratios = new ArrayList<>();
    for (int p = 1; p <= count; p++) {
      double memory;
      try (IndexServer node = new IndexServer(config(memoryThreads)).start()) {
        MachineCounters before = MachineCounters.now(redisPid);
        memory = IndexLoad.registers(List.of(node.localAddress()), seconds, sockets, window);
        machineLine("R", "pair " + p + ", memory-" + memoryThreads, before, memory * seconds);
      }
      flush(store);
      int pair = p;
      double redis =
          onRedisNodes(
              store,
              n,
              nodeThreads,
              warmUpR,
              sockets,
              window,
              nodes -> {
                List<InetSocketAddress> at = nodes.stream().map(IndexServer::localAddress).toList();
                double[] cpu = cpu(store);
                Map<String, long[]> stats = commandStats(store);
                MachineCounters before = MachineCounters.now(redisPid);
                double rate = IndexLoad.registers(at, seconds, sockets, window);
                machineLine("R", "pair " + pair + ", redis-" + n, before, rate * seconds);
                perReply("R", cpu, store, rate * seconds);
                perCommand("R", stats, store, rate * seconds);
                return rate;
              });
      ratios.add(redis / memory);
      System.out.printf(
          "pair %d: memory, %d thr R %,.0f req/s; redis, %d node%s R %,.0f req/s; x mem %.2f%n",
          p, memoryThreads, memory, n, n > 1 ? "s" : "", redis, redis / memory);
    }
    List<Double> sorted = ratios.stream().sorted().toList();
    int k = sorted.size();
    double median =
        k % 2 == 1 ? sorted.get(k / 2) : (sorted.get(k / 2 - 1) + sorted.get(k / 2)) / 2;
    System.out.printf(
        "pairs: R x mem %s, median %.3f%n",
        ratios.stream().map(r -> String.format("%.2f", r)).toList(), median);
  }

  /**
   * S then R rates on {@code nodes}; each phase also prints the CPU time per reply of this JVM
   * (nodes and load generator) and, with a {@code store}, of Redis (INFO cpu, all masters): where a
   * request's time goes on the two shared cores.
   */
  private static double[] measure(
      List<IndexServer> nodes,
      RedisStore store,
      int seconds,
      int sockets,
      int window,
      String duringR,
      String phase)
      throws Exception {
    List<InetSocketAddress> at = nodes.stream().map(IndexServer::localAddress).toList();
    IndexLoad.seed(at.getFirst());
    IndexLoad.locates(at, 1, sockets, window); // warm-up
    double[] cpu = cpu(store);
    Map<String, long[]> stats = commandStats(store);
    MachineCounters machine = MachineCounters.now(redisPid);
    double s = IndexLoad.locates(at, seconds, sockets, window);
    machine = machineLine("S", phase, machine, s * seconds);
    cpu = perReply("S", cpu, store, s * seconds);
    stats = perCommand("S", stats, store, s * seconds);
    Process during = null;
    if (duringR != null) {
      // e.g. perf over this phase alone; PHASE names it (memory-1, memory-2, redis-1, redis-3)
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", duringR).inheritIO();
      pb.environment().put("PHASE", phase);
      during = pb.start();
    }
    Map<String, Long> threadsBefore = threadCpu();
    long jvmBefore = jvmCpuNanos();
    machine = MachineCounters.now(redisPid);
    double r = IndexLoad.registers(at, seconds, sockets, window);
    machineLine("R", phase, machine, r * seconds);
    perThread("R", threadsBefore, jvmBefore, r * seconds);
    if (during != null) {
      during.waitFor();
    }
    perReply("R", cpu, store, r * seconds);
    perCommand("R", stats, store, r * seconds);
    return new double[] {s, r};
  }

  /**
   * Prints what the machine did in the phase ({@link MachineCounters}) and Redis's memory state at
   * its end (lazy frees pending, fragmentation, resident size): a turn under steal, a slower clock
   * or a Redis still freeing the last phase's keys shows here. Returns the counters at the end.
   */
  private static MachineCounters machineLine(
      String label, String phase, MachineCounters before, double replies) {
    MachineCounters after = MachineCounters.now(redisPid);
    String redis = "";
    try {
      String info = infos(infoStore, "memory").getFirst();
      redis =
          String.format(
              "; Redis lazyfree pending %.0f, fragmentation %.2f, rss %.0f MiB",
              infoNumber(info, "lazyfree_pending_objects:"),
              infoNumber(info, "mem_fragmentation_ratio:"),
              infoNumber(info, "used_memory_rss:") / 1048576);
    } catch (Exception e) {
      // no store to ask (or a cluster's first master only): the line goes without it
    }
    System.out.println(label + ": machine (" + phase + ") " + after.since(before, replies) + redis);
    return after;
  }

  /** Redis's pid when it runs on this machine, else 0. */
  private static long localRedisPid(RedisStore store) {
    try {
      long pid = (long) infoNumber(infos(store, "server").getFirst(), "process_id:");
      String comm = Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
      return comm.startsWith("redis") ? pid : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  /**
   * This JVM's CPU time in the phase per reply by kind of thread: the nodes' socket threads,
   * Lettuce's event loops, the JIT, the collector, and the load generator with the rest (the JVM's
   * whole CPU time less the others: its threads have ended when this is read). Where a reply's CPU
   * goes on the benchmark's side, beside Redis's (the in-memory node's line is the comparison).
   */
  private static void perThread(
      String label, Map<String, Long> before, long jvmBefore, double replies) {
    Map<String, Long> after = threadCpu();
    long jvm = jvmCpuNanos() - jvmBefore;
    StringBuilder line = new StringBuilder(label + ": CPU per reply by thread:");
    long known = 0;
    for (String kind : List.of("socket threads", "Lettuce", "JIT", "GC", "other")) {
      long d = after.getOrDefault(kind, 0L) - before.getOrDefault(kind, 0L);
      known += d;
      line.append(String.format(" %s %.2f us,", kind, d / replies / 1e3));
    }
    line.append(String.format(" load generator %.2f us", (jvm - known) / replies / 1e3));
    System.out.println(line);
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU nanoseconds of this JVM's live threads by kind ({@code /proc/self/task/}*{@code
   * /schedstat}).
   */
  private static Map<String, Long> threadCpu() {
    Map<String, Long> byKind = new LinkedHashMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String run = Files.readString(t.resolve("schedstat")).trim();
          byKind.merge(kind(comm), Long.parseLong(run.split("\\s+")[0]), Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc here: the line reads 0
    }
    return byKind;
  }

  private static String kind(String thread) {
    if (thread.startsWith("index-udp")) {
      return "socket threads";
    } else if (thread.startsWith("lettuce")) {
      return "Lettuce";
    } else if (thread.contains("Compiler")) {
      return "JIT";
    } else if (thread.contains("GC") || thread.startsWith("G1")) {
      return "GC";
    } else if (thread.startsWith("load-")) {
      return "load generator";
    }
    return "other";
  }

  /**
   * INFO commandstats of the server (all masters of a cluster): calls and usec per command, the
   * commands run inside scripts counted as well. Empty without a store.
   */
  private static Map<String, long[]> commandStats(RedisStore store) throws Exception {
    Map<String, long[]> stats = new LinkedHashMap<>();
    if (store == null) {
      return stats;
    }
    for (String info : infos(store, "commandstats")) {
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("cmdstat_")) {
          String name = line.substring(8, line.indexOf(':'));
          long[] v = stats.computeIfAbsent(name, k -> new long[2]);
          for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
            if (field.startsWith("calls=")) {
              v[0] += Long.parseLong(field.substring(6));
            } else if (field.startsWith("usec=")) {
              v[1] += Long.parseLong(field.substring(5));
            }
          }
        }
      }
    }
    return stats;
  }

  /**
   * What Redis ran for each reply of a phase, by command (top level and inside scripts): calls per
   * reply and usec per call. In an S or R phase one script runs (two on a cluster R), so EVALSHA's
   * usec per call is that script's.
   */
  private static Map<String, long[]> perCommand(
      String label, Map<String, long[]> before, RedisStore store, double replies) throws Exception {
    Map<String, long[]> after = commandStats(store);
    if (store == null) {
      return after;
    }
    StringBuilder line = new StringBuilder(label + ": Redis commands per reply:");
    after.forEach(
        (name, v) -> {
          long[] b = before.getOrDefault(name, new long[2]);
          long calls = v[0] - b[0];
          if (calls >= replies / 20) {
            line.append(
                String.format(
                    " %s %.2f x %.2f us", name, calls / replies, (v[1] - b[1]) / (double) calls));
          }
        });
    long scripts =
        after.getOrDefault("evalsha", new long[2])[0]
            - before.getOrDefault("evalsha", new long[2])[0];
    if (scripts > 0) {
      // the batch size of the phase: a node's EVALSHA carries a batch (runs W and Z)
      line.append(String.format("; %.1f replies per EVALSHA", replies / scripts));
    }
    System.out.println(line);
    return after;
  }

  /**
   * This JVM's CPU seconds, Redis's (0 without a store), the wall clock in seconds, and the
   * machine's idle and total CPU time from /proc/stat (0 where there is none).
   */
  private static double[] cpu(RedisStore store) throws Exception {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double redis = 0;
    if (store != null) {
      for (String info : infos(store, "cpu")) {
        redis += infoNumber(info, "used_cpu_sys:") + infoNumber(info, "used_cpu_user:");
      }
    }
    long[] machine = machineTicks();
    return new double[] {
      os.getProcessCpuTime() / 1e9, redis, System.nanoTime() / 1e9, machine[0], machine[1]
    };
  }

  /** Idle (idle + iowait) and total ticks of all cores, from /proc/stat's first line. */
  private static long[] machineTicks() {
    long[] c = MachineCounters.cpuTicks();
    long total = 0;
    for (long t : c) {
      total += t;
    }
    return new long[] {c[3] + c[4], total};
  }

  /**
   * Prints the phase's CPU per reply of this JVM and of Redis, Redis's share of one core and the
   * share of all cores that stood idle: where the bound of a phase is (CPU, or requests in flight).
   */
  private static double[] perReply(String label, double[] before, RedisStore store, double replies)
      throws Exception {
    double[] after = cpu(store);
    double wall = after[2] - before[2];
    double ticks = after[4] - before[4];
    System.out.printf(
        "%s: CPU per reply: this JVM %.1f us, Redis %s; machine idle %s%n",
        label,
        (after[0] - before[0]) / replies * 1e6,
        store == null
            ? "-"
            : String.format(
                "%.1f us (%.0f %% of a core)",
                (after[1] - before[1]) / replies * 1e6, (after[1] - before[1]) / wall * 100),
        ticks > 0 ? String.format("%.0f %%", (after[3] - before[3]) / ticks * 100) : "-");
    return after;
  }

  /**
   * FLUSHALL on a connection of its own whose commands may take 30 s: the last phase's few hundred
   * thousand keys can take longer than the store's 400 ms command timeout to free (a turn lost its
   * three-node phase to it in run P), and an ASYNC flush would free them during the next phase.
   */
  private static void flush(RedisStore store) {
    Duration patient = Duration.ofSeconds(30);
    try (RedisStore admin =
        RedisStore.connect(store.url(), new RedisStore.Timeouts(patient, patient))) {
      admin.await(admin.commands().flushall().toCompletableFuture());
    }
  }

  /**
   * Fills the store with {@code count} registrations shaped like a real index (peers of 10 contents
   * each, 4 providers per content, names of 17-20 bytes) and reports what they cost.
   */
  private static void memory(RedisStore store, int count, int providers) throws Exception {
    flush(store);
    long before = usedMemory(store);
    RedisRegistry registry =
        new RedisRegistry(
            store, 3_600_000, new RegistryLimits(1_000, Integer.MAX_VALUE), Long.MAX_VALUE);
    int perPeer = 10;
    int peers = count / perPeer;
    int contents = count / providers;
    Semaphore window = new Semaphore(WINDOW);
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long now = System.currentTimeMillis();
    for (int i = 0; i < count; i++) {
      int peer = i / perPeer;
      // peer p holds contents spread so each content gets `providers` peers
      int content =
          (int) ((long) (i % perPeer) * (contents / perPeer) + peer % (contents / perPeer));
      byte[] ip = {10, (byte) (peer >>> 16), (byte) (peer >>> 8), (byte) peer};
      window.acquire();
      CompletableFuture<Void> f =
          registry.registerAsync(
              PeerName.of(String.format("peer-%06d", peer)),
              InetAddress.getByAddress(ip),
              ContentName.of(String.format("content-%07d.bin", content)),
              4000,
              1_000_000,
              DIGEST,
              now);
      f.whenComplete(
          (x, e) -> {
            if (e != null && failed.incrementAndGet() == 1) {
              System.err.println("first refusal: " + e);
            }
            window.release();
          });
    }
    window.acquire(WINDOW);
    long after = usedMemory(store);
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%n%,d registrations (%,d peers x %d, %,d contents x %d providers) in %.1f s, %,d"
            + " refused%n",
        count, peers, perPeer, contents, providers, secs, failed.get());
    System.out.printf(
        "used_memory %,d -> %,d bytes: %.0f bytes per registration%n",
        before, after, (after - before) / (double) count);
    structures(store, peers, contents, count);
  }

  /** MEMORY USAGE of a sample of each kind of key, scaled to the whole. */
  private static void structures(RedisStore store, int peers, int contents, int count) {
    int sample = 2_000;
    double contentHash = 0;
    double queue = 0;
    double peerHash = 0;
    for (int i = 0; i < sample; i++) {
      String c = String.format("content-%07d.bin", (long) i * contents / sample);
      contentHash += usage(store, "ps:c{" + c + "}");
      queue += usage(store, "ps:q{" + c + "}");
      String p = String.format("peer-%06d", (long) i * peers / sample);
      peerHash += usage(store, peerKey(p));
    }
    double leases = 0;
    for (int b = 0; b < 64; b++) {
      leases += usage(store, "ps:l{b" + b + "}");
    }
    double names = usage(store, "ps:names");
    Map<String, Double> perRegistration = new LinkedHashMap<>();
    perRegistration.put("content hash (meta, providers)", contentHash / sample * contents / count);
    perRegistration.put("rotation zset", queue / sample * contents / count);
    perRegistration.put("peer hash (owner, stamps)", peerHash / sample * peers / count);
    perRegistration.put("lease zsets", leases / count);
    perRegistration.put("listing zset", names / count);
    System.out.println("MEMORY USAGE by structure, bytes per registration:");
    perRegistration.forEach((k, v) -> System.out.printf("  %-32s %6.1f%n", k, v));
    System.out.printf(
        "  %-32s %6.1f%n", "sum", perRegistration.values().stream().mapToDouble(d -> d).sum());
  }

  private static String peerKey(String peer) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(peer.getBytes(StandardCharsets.UTF_8));
    return "ps:p{b" + (crc.getValue() % 64) + "}" + peer;
  }

  private static long usage(RedisStore store, String key) {
    Long n =
        store.await(
            store
                .commands()
                .memoryUsage(key.getBytes(StandardCharsets.UTF_8))
                .toCompletableFuture());
    return n == null ? 0 : n;
  }

  /** used_memory of the server, or the sum over the masters of a cluster. */
  private static long usedMemory(RedisStore store) throws Exception {
    long sum = 0;
    for (String info : infos(store, "memory")) {
      sum += (long) infoNumber(info, "used_memory:");
    }
    return sum;
  }

  /** INFO {@code section} of the server, or of every master of a cluster. */
  private static List<String> infos(RedisStore store, String section) throws Exception {
    return store.isCluster()
        ? ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) store.commands())
            .upstream()
            .commands()
            .info(section)
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
        : List.of(store.await(store.commands().info(section).toCompletableFuture()));
  }

  private static double infoNumber(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field)) {
        return Double.parseDouble(line.substring(field.length()).trim());
      }
    }
    throw new IllegalStateException("no " + field + " in INFO");
  }
}
