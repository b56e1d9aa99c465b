package io.peershare.bench;

import io.peershare.index.IndexServer;
import io.peershare.index.MemoryRegistry;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.PeerName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a request waits while 1,000,000 leases end at once. An index over a registry of
 * 1,000,000 registrations (10,000 peers x 100, 250,000 names x 4) answers a steady stream of S
 * requests (5 every millisecond from 4 sockets); after 8 s (the first 6 warm the JIT up and are not
 * counted) its clock jumps past every lease, so the whole registry is due at once, and the stream
 * goes on for 3 s more. Prints the round-trip times of the 2 s before and the 3 s after the jump
 * (p50, p99, p99.9, max, and how many took over 5 ms), the GC pauses in each of those windows
 * (count, total, longest), what the server's thread saw in them ({@link TimedRegistry}: expiry
 * slices, the longest gap between two batches, the gaps over 5 ms split into the thread's time on a
 * CPU, waiting for one and asleep) and how long the registry took to empty. Each round trip is also
 * split ({@link Timing}): the sender's own delay, the server's part (from the datagram being in the
 * socket to the end of the registry step of the first batch read after that) and the rest (the
 * reply's way back to a reader thread of this JVM, on the same 2 cores), with how many expiry
 * slices ran while a request waited. Add {@code -XX:+UseZGC} or {@code -XX:MaxGCPauseMillis=N} to
 * compare collectors; {@code bench/index-expiry.sh} runs it several times, or two builds in turns.
 *
 * <p>Run: {@code java -Xmx3g --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.peershare.bench.ExpiryStall}
 */
public final class ExpiryStall {
  private static final int SOCKETS = 4;
  private static final long GAP_NANOS = 200_000;
  private static final long WARM_NANOS = 6_000_000_000L;

  private ExpiryStall() {}

  /** A clock the benchmark sets. */
  static final class SetClock extends Clock {
    final AtomicLong millis = new AtomicLong();

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    boolean cold = a.contains("--cold");
    boolean trickle = !cold && !a.contains("--no-trickle");
    String client = option(a, "--client"); // bench/c's loadgen, or null: threads of this JVM
    String echo = option(a, "--echo"); // bench/c's echo server: the same client against it too
    boolean echoFirst = a.contains("--echo-first");
    // the client's thread at real-time priority (loadgen --fifo), against the index and the echo
    // alike: what it measures is then the servers' part, not the client waiting for a core
    clientFifo = option(a, "--client-fifo");
    SetClock clock = new SetClock();
    // the million registered at 1 ms end together at LEASE + 1; unless cold, COHORTS smaller
    // cohorts end one after the other before them, in the warm-up (see fillCohorts)
    MemoryRegistry registry = RegistryBenchmark.filled(1);
    if (!cold) {
      fillCohorts(registry);
    }
    if (trickle) {
      fillTrickle(registry);
    }
    System.out.printf(
        "registry: %,d registrations%s; client: %s%n",
        registry.size(),
        cold
            ? " (cold: no expiry in the warm-up)"
            : trickle ? "" : " (no trickle of single leases ending in the warm-up)",
        client == null
            ? "threads of this JVM (1 sender, " + SOCKETS + " readers)"
            : "bench/c/loadgen, one thread in a process of its own"
                + (clientFifo == null
                    ? ""
                    : " at real-time priority (SCHED_FIFO " + clientFifo + ")"));
    // a long-running server's registry sits in the old generation, not in survivor spaces that the
    // next young collection would copy: settle it there, as time would
    System.gc();
    GcPauses pauses = GcPauses.listen();
    TimedRegistry timed = new TimedRegistry(registry);
    Path work = Files.createTempDirectory("expiry-stall");
    try (IndexServer server =
        new IndexServer(
                IndexServer.Config.defaults()
                    .withPort(0)
                    .withBind(InetAddress.getLoopbackAddress())
                    .withRatePerSecond(0)
                    .withClock(clock),
                timed)
            .start()) {
      serverNice = option(a, "--server-nice");
      serverFifo = option(a, "--server-fifo");
      if (serverNice != null || serverFifo != null) {
        raiseServingThreads();
      }
      String compilerFifo = option(a, "--compiler-fifo");
      if (compilerFifo != null) {
        // the JIT's threads real-time too, below the serving threads: one preempted by a serving
        // thread is moved at once to a core that runs no real-time thread (the kernel's RT push)
        chrt(compilerFifo, threads("C1 CompilerThre", "C2 CompilerThre"));
        System.out.println("compiler threads at SCHED_FIFO " + compilerFifo);
      }
      Schedule schedule = new Schedule(cold, clock, pauses, timed);
      if (echo != null && echoFirst) {
        echoBaseline(client, echo, schedule, work);
      }
      Stream run =
          client == null
              ? javaClient(server.localAddress(), schedule)
              : cClient(client, server.localAddress(), schedule, work);
      int warm = schedule.warm;
      int total = schedule.total;
      Timing t = new Timing(run.rtt, run.sentAt, run.sentAfter, run.late, timed, schedule.jumpedAt);
      // the requests sent once the clock had jumped are the ones after it
      int jumpAt = schedule.jumpAt;
      while (jumpAt > warm && run.sentAt[jumpAt - 1] >= schedule.jumpedAt) {
        jumpAt--;
      }
      while (jumpAt < total && run.sentAt[jumpAt] < schedule.jumpedAt) {
        jumpAt++;
      }
      String before = report("before the jump", run.rtt, run.type, warm, jumpAt);
      t.split(warm, jumpAt);
      System.out.println("  GC pauses: " + pauses.between(0, 1));
      System.out.println("  server: " + TimedRegistry.describe(schedule.serverBefore));
      String after =
          report(
              "after the jump (JVM uptime " + pauses.at(1) + " ms)",
              run.rtt,
              run.type,
              jumpAt,
              total);
      System.out.println("  GC pauses: " + pauses.between(1, 2));
      long[] worst = t.split(jumpAt, total);
      slowAt("index", run, warm, total);
      System.out.println("  server: " + TimedRegistry.describe(run.serverAfter));
      System.out.printf(
          "registry emptied %.1f ms after the jump (%,d left)%n",
          run.emptyAt == 0 ? Double.NaN : (run.emptyAt - schedule.jumpedAt) / 1e6, registry.size());
      String baseline = null;
      if (echo != null) {
        baseline = echoFirst ? schedule.echoAfter : echoBaseline(client, echo, schedule, work);
      }
      System.out.printf(
          "summary: index after the jump: %s; server's part worst %.3f ms; until the reply was in"
              + " the client's socket worst %.3f ms, over 5 ms %d%s; index before: %s%n",
          after,
          worst[0] / 1e6,
          worst[1] / 1e6,
          worst[2],
          baseline == null ? "" : "; echo, same client, same windows, after: " + baseline,
          before);
    } finally {
      try (var files = Files.list(work)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(work);
    }
  }

  /**
   * With {@code -Dexpiry.slow=true}: one line per round trip over 5 ms ({@code -Dexpiry.slowMs=N}:
   * N ms) in [from, to), in absolute {@code CLOCK_MONOTONIC} nanoseconds (sent, the reply in the
   * client's socket, read), to line up with a system-wide trace taken with {@code perf record -k
   * CLOCK_MONOTONIC}.
   */
  private static void slowAt(String who, Stream s, int from, int to) {
    if (!Boolean.getBoolean("expiry.slow")) {
      return;
    }
    long over = (long) (Double.parseDouble(System.getProperty("expiry.slowMs", "5")) * 1e6);
    for (int i = from; i < to; i++) {
      if (s.rtt[i] > over) {
        long read = s.sentAt[i] + s.rtt[i];
        System.out.printf(
            "slow %s %d sent=%d sentAfter=%d inSocket=%d read=%d%n",
            who, i, s.sentAt[i], s.sentAfter[i], read - s.late[i], read);
      }
    }
  }

  /**
   * {@code --server-nice N}: the index's serving threads at nice N ({@code renice}: a larger share
   * of a core, without real-time priority), and the echo too; null: not.
   */
  private static String serverNice;

  /**
   * {@code --server-fifo N}: the index's serving threads at real-time priority ({@code chrt --fifo
   * --pid N}, as chrony or cyclictest ask for it), and the echo too; null: not. With the whole JVM
   * under {@code chrt --fifo M} (M < N; {@code WRAP_this} in {@code bench/index-expiry.sh}) its
   * other threads are real-time too.
   */
  private static String serverFifo;

  /** The ids of this JVM's threads whose names start with one of {@code prefixes}; not none. */
  private static List<String> threads(String... prefixes) throws IOException {
    List<String> tids = new ArrayList<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        String comm = Files.readString(t.resolve("comm"));
        if (Arrays.stream(prefixes).anyMatch(comm::startsWith)) {
          tids.add(t.getFileName().toString());
        }
      }
    }
    if (tids.isEmpty()) {
      throw new IllegalStateException("no thread " + Arrays.toString(prefixes) + " in this JVM");
    }
    return tids;
  }

  private static void chrt(String priority, List<String> tids) throws Exception {
    for (String tid : tids) {
      run(List.of("chrt", "--fifo", "--pid", priority, tid));
    }
  }

  /** Runs {@code command} to its end; throws with what it said when it fails. */
  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " failed: " + said);
    }
  }

  /** Sets the priority of this JVM's serving threads (named index-udp-...) as asked. */
  private static void raiseServingThreads() throws Exception {
    List<String> tids = threads("index-udp");
    if (serverFifo != null) {
      chrt(serverFifo, tids);
    }
    if (serverNice != null) {
      List<String> c = new ArrayList<>(List.of("renice", "-n", serverNice, "-p"));
      c.addAll(tids);
      run(c);
    }
    System.out.println(
        "serving threads "
            + tids
            + (serverNice == null ? "" : " at nice " + serverNice)
            + (serverFifo == null ? "" : " at SCHED_FIFO " + serverFifo));
  }

  /** loadgen's --fifo priority for both streams (index and echo), or null: normal priority. */
  private static String clientFifo;

  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }

  /** One run's requests: when each was sent, when send returned, its round trip and reply type. */
  private record Stream(
      long[] sentAt,
      long[] sentAfter,
      long[] rtt,
      byte[] type,
      long[] late,
      Object[] serverAfter,
      long emptyAt) {}

  /**
   * What happens at which request of the stream: the early cohorts ending in the warm-up, the
   * counting starting, the jump; and which name each request asks for (one in 8 a name of the
   * cohort that ended last).
   */
  private static final class Schedule {
    final int warm = WARM;
    final int total = warm + (int) (5_000_000_000L / GAP_NANOS);
    final int jumpAt = warm + (int) (2_000_000_000L / GAP_NANOS);
    private final boolean cold;
    private final SetClock clock;
    private final GcPauses pauses;
    private final TimedRegistry timed;
    Object[] serverBefore;
    long jumpedAt;
    String echoAfter;

    Schedule(boolean cold, SetClock clock, GcPauses pauses, TimedRegistry timed) {
      this.cold = cold;
      this.clock = clock;
      this.pauses = pauses;
      this.timed = timed;
    }

    int ended(int i) {
      return cold ? 0 : (int) Math.min(COHORTS, (long) i * (COHORTS + 2) / warm);
    }

    /** Whether {@link #at} does anything at request {@code i}. */
    boolean eventAt(int i) {
      return i == warm
          || i == jumpAt
          || (i > 0 && ended(i) != ended(i - 1))
          || (!cold && i <= TRICKLE_UNTIL && i % 5 == 0); // the clock moves on every ms
    }

    /** Runs what is due when request {@code i} is sent (called for increasing {@code i}). */
    void at(int i) {
      if (!cold && clockAt(i) > clock.millis.get()) {
        // the clock moves through the warm-up: the trickle's leases end one by one, and each
        // early cohort's all at once when it reaches the cohort's end
        clock.millis.set(clockAt(i));
      }
      if (i == warm) {
        pauses.mark();
        timed.count();
      }
      if (i == jumpAt) {
        pauses.mark();
        serverBefore = timed.figures();
        timed.count();
        clock.millis.set(RegistryBenchmark.LEASE + 1); // every lease has ended
        jumpedAt = System.nanoTime();
        if (Boolean.getBoolean("expiry.slow")) {
          System.out.println("jump at " + jumpedAt + " pid " + ProcessHandle.current().pid());
        }
      }
    }

    /** The name request {@code i} asks for. */
    String name(int i) {
      return i % 8 == 7 ? cohortName(Math.max(0, ended(i) - 1), (i / 8) % GONE_NAMES) : "content-7";
    }
  }

  /**
   * The stream from threads of this JVM: one sender (in bursts of 5, parked in between) and one
   * reader per socket, on the same 2 cores as the server.
   */
  private static Stream javaClient(InetSocketAddress at, Schedule schedule) throws Exception {
    DatagramSocket[] sockets = new DatagramSocket[SOCKETS];
    long[] cookies = new long[SOCKETS];
    for (int s = 0; s < SOCKETS; s++) {
      sockets[s] = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      sockets[s].connect(at);
      sockets[s].setSoTimeout(5_000);
      byte[] h = IndexCodec.encode(new IndexMessage.Hello(1));
      sockets[s].send(new DatagramPacket(h, h.length));
      DatagramPacket y = new DatagramPacket(new byte[64], 64);
      sockets[s].receive(y);
      cookies[s] = ByteBuffer.wrap(y.getData()).getLong(6);
    }
    int total = schedule.total;
    long[] sentAt = new long[total];
    long[] sentAfter = new long[total]; // send() returned: the datagram was in the socket
    long[] rtt = new long[total];
    byte[] type = new byte[total];
    Arrays.fill(rtt, -1);
    byte[][] requests = new byte[total][];
    for (int i = 0; i < total; i++) {
      int s = i % SOCKETS;
      requests[i] =
          IndexCodec.encode(
              new IndexMessage.Locate(
                  i, cookies[s], PeerName.of("asker"), ContentName.of(schedule.name(i)), 4));
    }
    Thread[] readers = new Thread[SOCKETS];
    for (int s = 0; s < SOCKETS; s++) {
      DatagramSocket socket = sockets[s];
      readers[s] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
                    try {
                      while (true) {
                        socket.receive(in);
                        int id = ByteBuffer.wrap(in.getData()).getInt(2);
                        if (id >= 0 && id < total) {
                          rtt[id] = System.nanoTime() - sentAt[id];
                          type[id] = in.getData()[0];
                        }
                      }
                    } catch (Exception e) {
                      // closed or quiet for 5 s: done
                    }
                  });
    }
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * GAP_NANOS;
      long wait = due - System.nanoTime();
      if (wait > 0 && i % 5 == 0) {
        LockSupport.parkNanos(wait); // in bursts of 5: a spinning sender would take a core
      }
      schedule.at(i);
      byte[] d = requests[i];
      sentAt[i] = System.nanoTime();
      sockets[i % SOCKETS].send(new DatagramPacket(d, d.length));
      sentAfter[i] = System.nanoTime();
    }
    schedule.pauses.mark();
    Object[] serverAfter = schedule.timed.figures();
    // not registry.size() from this thread while it runs: that takes the registry's lock, so
    // the sender would stall exactly when the server does and send nothing that could show it
    long emptyAt = schedule.timed.lastSliceEnd();
    Thread.sleep(500);
    for (DatagramSocket s : sockets) {
      s.close();
    }
    for (Thread t : readers) {
      t.join();
    }
    return new Stream(sentAt, sentAfter, rtt, type, new long[total], serverAfter, emptyAt);
  }

  /**
   * The stream from bench/c's loadgen, a process of its own with one thread that sleeps in {@code
   * epoll_wait} between bursts: it sends request {@code i} (the name on line {@code i} of a file
   * written here) at {@code i} x 0.2 ms after its start, which it prints first (CLOCK_MONOTONIC,
   * the clock of {@code System.nanoTime}); this thread runs the schedule's events at the same
   * offsets from it. Its record of every request is read back when it exits.
   */
  private static Stream cClient(String loadgen, InetSocketAddress at, Schedule schedule, Path work)
      throws Exception {
    Path names = writeNames(schedule, work);
    Path record = work.resolve("index.rec");
    Process p = loadgen(loadgen, at.getPort(), "index", names, record, "--max", "4");
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    long start = startOf(out, p);
    for (int i = 0; i < schedule.total; i++) {
      if (schedule.eventAt(i)) {
        untilNanos(start + i * GAP_NANOS);
        schedule.at(i);
      }
    }
    untilNanos(start + schedule.total * GAP_NANOS);
    schedule.pauses.mark();
    Object[] serverAfter = schedule.timed.figures();
    long emptyAt = schedule.timed.lastSliceEnd();
    String summary = rest(out, p);
    System.out.println("loadgen: " + summary);
    return read(record, schedule.total, serverAfter, emptyAt);
  }

  /**
   * Starts bench/c's loadgen against 127.0.0.1:{@code port} in {@code mode}, sending the names in
   * {@code names} at the schedule's rate over {@link #SOCKETS} sockets and recording every request
   * in {@code record}; {@code extra} are further options.
   */
  private static Process loadgen(
      String loadgen, int port, String mode, Path names, Path record, String... extra)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                loadgen,
                "--target",
                "127.0.0.1:" + port,
                "--mode",
                mode,
                "--requests",
                names.toString(),
                "--rate",
                Long.toString(1_000_000_000L / GAP_NANOS),
                "--sockets",
                Integer.toString(SOCKETS),
                "--record",
                record.toString()));
    command.addAll(List.of(extra));
    if (clientFifo != null) {
      command.addAll(List.of("--fifo", clientFifo));
    }
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * The same client and stream (names, rate, sockets) against bench/c's echo server, which answers
   * every datagram with a reply of a P's size at once: what this machine allows the round trip, in
   * the same run. Returns its figures for the window after the jump. With {@code --server-fifo N}
   * or {@code --server-nice N} the echo runs under {@code chrt --fifo N} or {@code nice -n N}, as
   * the index's serving threads do, so the comparison stays fair.
   */
  private static String echoBaseline(String loadgen, String echo, Schedule schedule, Path work)
      throws Exception {
    int port;
    try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    // the same treatment as the index's serving threads
    if (serverFifo != null) {
      command.addAll(List.of("chrt", "--fifo", serverFifo));
    }
    if (serverNice != null) {
      command.addAll(List.of("nice", "-n", serverNice));
    }
    command.addAll(List.of(echo, "127.0.0.1", Integer.toString(port), "95", "1"));
    Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      BufferedReader banner =
          new BufferedReader(
              new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
      String line = banner.readLine(); // "echo listening on ..." once it is bound
      if (line == null || !line.contains("listening")) {
        throw new IllegalStateException("echo did not start: " + line);
      }
      Path names = writeNames(schedule, work);
      Path record = work.resolve("echo.rec");
      Process p = loadgen(loadgen, port, "echo", names, record);
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
      startOf(out, p);
      rest(out, p);
      Stream e = read(record, schedule.total, null, 0);
      slowAt("echo", e, schedule.warm, schedule.total);
      String before =
          report("echo, the same windows: before", e.rtt, e.type, schedule.warm, schedule.jumpAt);
      String after =
          report("echo, the same windows: after", e.rtt, e.type, schedule.jumpAt, schedule.total);
      long inSocket = 0;
      int inSocketOver = 0;
      for (int i = schedule.jumpAt; i < schedule.total; i++) {
        if (e.rtt[i] >= 0) {
          inSocket = Math.max(inSocket, e.rtt[i] - e.late[i]);
          inSocketOver += e.rtt[i] - e.late[i] > 5_000_000 ? 1 : 0;
        }
      }
      schedule.echoAfter =
          String.format(
              "%s, until the reply was in the client's socket worst %.3f ms, over 5 ms %d"
                  + " (before: %s)",
              after, inSocket / 1e6, inSocketOver, before);
      return schedule.echoAfter;
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private static Path writeNames(Schedule schedule, Path work) throws IOException {
    Path names = work.resolve("names");
    if (!Files.exists(names)) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < schedule.total; i++) {
        b.append(schedule.name(i)).append('\n');
      }
      Files.writeString(names, b, StandardCharsets.US_ASCII);
    }
    return names;
  }

  /** The loadgen's start_ns line: when it sent its first request. */
  private static long startOf(BufferedReader out, Process p) throws Exception {
    String line = out.readLine();
    if (line == null || !line.startsWith("start_ns=")) {
      p.waitFor();
      throw new IllegalStateException("loadgen did not start (" + line + ")");
    }
    long start = Long.parseLong(line.substring("start_ns=".length()).trim());
    System.out.printf(
        "loadgen started %.3f ms before this JVM read its line (one clock)%n",
        (System.nanoTime() - start) / 1e6);
    return start;
  }

  /** The loadgen's last line, once it has exited. */
  private static String rest(BufferedReader out, Process p) throws Exception {
    String last = null;
    for (String line; (line = out.readLine()) != null; ) {
      last = line;
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("loadgen failed: exit " + p.exitValue());
    }
    return last;
  }

  private static void untilNanos(long t) {
    for (long wait; (wait = t - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(wait);
    }
  }

  private static Stream read(Path record, int total, Object[] serverAfter, long emptyAt)
      throws IOException {
    long[] sentAt = new long[total];
    long[] sentAfter = new long[total];
    long[] rtt = new long[total];
    byte[] type = new byte[total];
    long[] late = new long[total];
    try (BufferedReader in = Files.newBufferedReader(record, StandardCharsets.US_ASCII)) {
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split(" ");
        int i = Integer.parseInt(f[0]);
        sentAt[i] = Long.parseLong(f[1]);
        sentAfter[i] = Long.parseLong(f[2]);
        rtt[i] = Long.parseLong(f[3]);
        type[i] = (byte) f[4].charAt(0);
        late[i] = Long.parseLong(f[5]);
      }
    }
    return new Stream(sentAt, sentAfter, rtt, type, late, serverAfter, emptyAt);
  }

  /**
   * Leases end all the time in a server that has run for a while, some S ask for names whose
   * providers have just gone (met due, or already swept) and the sweep runs now and then: the code
   * that expires, unlinks and answers NOT_FOUND is compiled with both ways of each branch taken.
   * So, unless cold, {@code COHORTS} cohorts of {@code COHORT_PEERS} peers x {@code COHORT_REGS}
   * registrations (4 providers per name, as in the big registry) end one after the other through
   * the warm-up, the last 2/12 of it before the counting starts, and one S in 8 asks for a name of
   * the cohort that ended last. With a single early cohort, compiled code saw its leases end only
   * once, was recompiled later with profiles where nothing was ever due, and the jump made it
   * deoptimise (PrintCompilation, -Xlog:deoptimization): {@code isDue}, {@code
   * ProviderQueue.remove}, the sweep. Without any cohort ({@code --cold}) the jump is the first
   * expiry the JVM ever sees.
   */
  private static final int COHORTS = 10;

  private static final int COHORT_PEERS = 1_000;

  /**
   * Registrations per peer of a cohort: 1,000 peers of 10 (until the ninth look 100 of 100, the
   * same 10,000 registrations). With 100 peers per cohort the lease queue's code (a poll and a
   * sift-down per due peer) ran 1,000 times in the whole warm-up, too few for the JIT's last tier:
   * it was compiled in the first 10 ms after the jump, with the 10,000 peers of the big registry
   * coming due, and the compilation took a core for several ms (docs/benchmarks.md, "Ninth look").
   * A server that has run for a while has polled its lease queue for every peer that came due.
   */
  private static final int COHORT_REGS = 10;

  /** Names of each cohort that the S stream asks for. */
  private static final int GONE_NAMES = 64;

  private static final int WARM = (int) (WARM_NANOS / GAP_NANOS);

  /** The request at which early cohort {@code c} ends: the first i with {@code ended(i) > c}. */
  private static int cohortEvent(int c) {
    return (int) (((long) (c + 1) * WARM + COHORTS + 1) / (COHORTS + 2));
  }

  /** The clock moves on through the warm-up until the last early cohort has ended. */
  private static final int TRICKLE_UNTIL = cohortEvent(COHORTS - 1);

  /**
   * How far the clock moves in the warm-up: every early lease ends well before the big registry.
   */
  private static final long SPAN = RegistryBenchmark.LEASE - 10;

  /** The clock (ms) from request {@code i} on, through the warm-up (not cold). */
  private static long clockAt(int i) {
    return (long) Math.min(i, TRICKLE_UNTIL) * SPAN / TRICKLE_UNTIL;
  }

  /** Cohort {@code c} ends at this time, before the big registry (at LEASE + 1). */
  private static long cohortEnd(int c) {
    return clockAt(cohortEvent(c));
  }

  /**
   * Peers with one registration each (a name of its own) whose leases end one after the other
   * through the warm-up, about one a millisecond: a server that has run for a while sweeps a few
   * due leases now and then, between its batches, thousands of times, and its sweep ({@code
   * MemoryRegistry.expire}, the lease queue's poll, the peer's removal) is compiled by the JIT's
   * last tier from that. The ten early cohorts alone called it about a hundred times (a few long
   * sweeps), too few: C2 compiled it, and the lease queue's code, in the first 200 ms after the
   * jump, on a core the server or the client needed (docs/benchmarks.md, "Tenth look"). {@code
   * --no-trickle} leaves it out.
   */
  private static final int TRICKLE = 5_000;

  private static void fillTrickle(MemoryRegistry registry) throws Exception {
    for (int k = 0; k < TRICKLE; k++) {
      long end = 1 + (long) k * (SPAN - 1) / TRICKLE;
      registry.register(
          PeerName.of("trickle" + k),
          InetAddress.getByAddress(new byte[] {10, (byte) 250, (byte) (k >> 8), (byte) k}),
          ContentName.of("trickle-" + k),
          4000,
          1,
          RegistryBenchmark.DIGEST,
          end - RegistryBenchmark.LEASE);
    }
  }

  private static String cohortName(int c, int k) {
    return "early-" + c + "-" + k;
  }

  private static void fillCohorts(MemoryRegistry registry) throws Exception {
    for (int c = 0; c < COHORTS; c++) {
      for (int p = 0; p < COHORT_PEERS; p++) {
        InetAddress ip =
            InetAddress.getByAddress(new byte[] {10, (byte) (200 + c), (byte) (p >> 8), (byte) p});
        for (int j = 0; j < COHORT_REGS; j++) {
          registry.register(
              PeerName.of("early" + c + "-" + p),
              ip,
              // 4 peers in a row share their names: 4 providers per name, as in the big registry
              ContentName.of(cohortName(c, (p / 4) * COHORT_REGS + j)),
              4000,
              1,
              RegistryBenchmark.DIGEST,
              cohortEnd(c) - RegistryBenchmark.LEASE);
        }
      }
    }
  }

  /**
   * Where each round trip went: the sender's own delay (from taking the time to {@code send}
   * returning), the server's (from then to the end of the registry step of the first batch that
   * started after it: the request was answered by then at the latest), and the rest (the reply's
   * way back to a reader thread, which shares the 2 cores with everything else).
   */
  private record Timing(
      long[] rtt,
      long[] sentAt,
      long[] sentAfter,
      long[] late,
      TimedRegistry timed,
      long jumpedAt) {
    long[] split(int from, int to) {
      long worstServer = 0;
      long worstInSocket = 0;
      long worstLate = 0;
      int inSocketOver = 0;
      int serverOver = 0;
      int over = 0;
      int mostSlices = 0;
      int twoOrMore = 0;
      StringBuilder slow = new StringBuilder();
      for (int i = from; i < to; i++) {
        long end = timed.firstBatchEndAfter(sentAfter[i]);
        if (rtt[i] < 0 || end == 0) {
          continue;
        }
        long send = sentAfter[i] - sentAt[i];
        long server = Math.min(end, sentAt[i] + rtt[i]) - sentAfter[i];
        long rest = rtt[i] - send - server - late[i];
        worstInSocket = Math.max(worstInSocket, rtt[i] - late[i]);
        worstLate = Math.max(worstLate, late[i]);
        if (rtt[i] - late[i] > 5_000_000) {
          inSocketOver++;
        }
        worstServer = Math.max(worstServer, server);
        int slices = timed.slicesWhileWaiting(sentAfter[i]);
        mostSlices = Math.max(mostSlices, slices);
        if (slices >= 2) {
          twoOrMore++;
        }
        if (server > 5_000_000) {
          serverOver++;
        }
        if (rtt[i] > 5_000_000) {
          over++;
          if (slow.length() < 600) {
            slow.append(
                String.format(
                    " %.1f=%.1f+%.1f+%.1f+%.1f@%+.0f",
                    rtt[i] / 1e6,
                    send / 1e6,
                    server / 1e6,
                    rest / 1e6,
                    late[i] / 1e6,
                    (sentAt[i] - jumpedAt) / 1e6));
          }
        }
      }
      System.out.printf(
          "  server's part (send returned to its batch done): worst %.3f ms, over 5 ms: %d;"
              + " slices run while a request waited: at most %d, 2 or more for %d requests;"
              + " until the reply was in the client's socket: worst %.3f ms, over 5 ms: %d;"
              + " the reply in that socket until the client read it: worst %.3f ms;"
              + " round trips over 5 ms (total=send+server+rest+in the client's socket"
              + "@sent since the jump, ms):%s%n",
          worstServer / 1e6,
          serverOver,
          mostSlices,
          twoOrMore,
          worstInSocket / 1e6,
          inSocketOver,
          worstLate / 1e6,
          over == 0 ? " none" : slow.toString());
      return new long[] {worstServer, worstInSocket, inSocketOver};
    }
  }

  private static String report(String what, long[] rtt, byte[] type, int from, int to) {
    long[] got = Arrays.stream(rtt, from, to).filter(x -> x >= 0).sorted().toArray();
    int lost = (to - from) - got.length;
    int[] replies = new int[128];
    for (int i = from; i < to; i++) {
      replies[type[i] & 0x7f]++;
    }
    System.out.printf(
        "%s: %,d requests, %d unanswered (%,d P, %,d E); round trip p50 %.3f ms, p99 %.3f ms,"
            + " p99.9 %.3f ms, max %.3f ms; over 5 ms: %d%n",
        what,
        to - from,
        lost,
        replies['P'],
        replies['E'],
        got[got.length / 2] / 1e6,
        got[(int) (got.length * 0.99)] / 1e6,
        got[(int) (got.length * 0.999)] / 1e6,
        got[got.length - 1] / 1e6,
        Arrays.stream(got).filter(x -> x > 5_000_000).count());
    return String.format(
        "max %.3f ms, p99.9 %.3f ms, p99 %.3f ms, over 5 ms %d of %d (%d unanswered)",
        got[got.length - 1] / 1e6,
        got[(int) (got.length * 0.999)] / 1e6,
        got[(int) (got.length * 0.99)] / 1e6,
        Arrays.stream(got).filter(x -> x > 5_000_000).count(),
        to - from,
        lost);
  }
}
