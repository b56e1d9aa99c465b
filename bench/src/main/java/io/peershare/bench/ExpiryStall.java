package io.peershare.bench;

import io.peershare.index.IndexServer;
import io.peershare.index.MemoryRegistry;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.PeerName;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
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
    boolean cold = Arrays.asList(args).contains("--cold");
    SetClock clock = new SetClock();
    // the million registered at 1 ms end together at LEASE + 1; unless cold, COHORTS smaller
    // cohorts end one after the other before them, in the warm-up (see fillCohorts)
    MemoryRegistry registry = RegistryBenchmark.filled(1);
    if (!cold) {
      fillCohorts(registry);
    }
    System.out.printf(
        "registry: %,d registrations%s%n",
        registry.size(), cold ? " (cold: no expiry in the warm-up)" : "");
    // a long-running server's registry sits in the old generation, not in survivor spaces that the
    // next young collection would copy: settle it there, as time would
    System.gc();
    GcPauses pauses = GcPauses.listen();
    TimedRegistry timed = new TimedRegistry(registry);
    try (IndexServer server =
        new IndexServer(
                IndexServer.Config.defaults()
                    .withPort(0)
                    .withBind(InetAddress.getLoopbackAddress())
                    .withRatePerSecond(0)
                    .withClock(clock),
                timed)
            .start()) {
      InetSocketAddress at = server.localAddress();
      DatagramSocket[] sockets = new DatagramSocket[SOCKETS];
      byte[][] locate = new byte[SOCKETS][];
      // names of each early cohort: not found once it ends (or providers met due, then not found)
      byte[][][] gone = new byte[SOCKETS][COHORTS * GONE_NAMES][];
      for (int s = 0; s < SOCKETS; s++) {
        sockets[s] = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        sockets[s].connect(at);
        sockets[s].setSoTimeout(5_000);
        byte[] h = IndexCodec.encode(new IndexMessage.Hello(1));
        sockets[s].send(new DatagramPacket(h, h.length));
        DatagramPacket y = new DatagramPacket(new byte[64], 64);
        sockets[s].receive(y);
        long cookie = ByteBuffer.wrap(y.getData()).getLong(6);
        locate[s] =
            IndexCodec.encode(
                new IndexMessage.Locate(
                    0, cookie, PeerName.of("asker"), ContentName.of("content-7"), 4));
        for (int g = 0; g < COHORTS * GONE_NAMES; g++) {
          gone[s][g] =
              IndexCodec.encode(
                  new IndexMessage.Locate(
                      0,
                      cookie,
                      PeerName.of("asker"),
                      ContentName.of(cohortName(g / GONE_NAMES, g % GONE_NAMES)),
                      4));
        }
      }
      int warm = (int) (WARM_NANOS / GAP_NANOS);
      int total = warm + (int) (5_000_000_000L / GAP_NANOS);
      long[] sentAt = new long[total];
      long[] sentAfter = new long[total]; // send() returned: the datagram was in the socket
      long[] rtt = new long[total];
      byte[] type = new byte[total];
      Arrays.fill(rtt, -1);
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
      int jumpAt = warm + (int) (2_000_000_000L / GAP_NANOS);
      long jumpedAt = 0;
      Object[] serverBefore = null;
      int endedBefore = 0;
      for (int i = 0; i < total; i++) {
        long due = start + i * GAP_NANOS;
        long wait = due - System.nanoTime();
        if (wait > 0 && i % 5 == 0) {
          LockSupport.parkNanos(wait); // in bursts of 5: a spinning sender would take a core
        }
        int ended = cold ? 0 : (int) Math.min(COHORTS, (long) i * (COHORTS + 2) / warm);
        if (ended > endedBefore) {
          clock.millis.set(cohortEnd(ended - 1)); // the next early cohort's leases end
          endedBefore = ended;
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
        }
        int s = i % SOCKETS;
        byte[] d =
            i % 8 == 7
                ? gone[s][Math.max(0, ended - 1) * GONE_NAMES + (i / 8) % GONE_NAMES]
                : locate[s];
        ByteBuffer.wrap(d).putInt(2, i);
        sentAt[i] = System.nanoTime();
        sockets[s].send(new DatagramPacket(d, d.length));
        sentAfter[i] = System.nanoTime();
      }
      pauses.mark();
      Object[] serverAfter = timed.figures();
      // not registry.size() from this thread while it runs: that takes the registry's lock, so
      // the sender would stall exactly when the server does and send nothing that could show it
      long emptyAt = timed.lastSliceEnd();
      Thread.sleep(500);
      for (DatagramSocket s : sockets) {
        s.close();
      }
      for (Thread t : readers) {
        t.join();
      }
      Timing t = new Timing(rtt, sentAt, sentAfter, timed);
      report("before the jump", rtt, type, warm, jumpAt);
      t.split(warm, jumpAt);
      System.out.println("  GC pauses: " + pauses.between(0, 1));
      System.out.println("  server: " + TimedRegistry.describe(serverBefore));
      report("after the jump (JVM uptime " + pauses.at(1) + " ms)", rtt, type, jumpAt, total);
      System.out.println("  GC pauses: " + pauses.between(1, 2));
      t.split(jumpAt, total);
      System.out.println("  server: " + TimedRegistry.describe(serverAfter));
      System.out.printf(
          "registry emptied %.1f ms after the jump (%,d left)%n",
          emptyAt == 0 ? Double.NaN : (emptyAt - jumpedAt) / 1e6, registry.size());
    }
  }

  /**
   * Leases end all the time in a server that has run for a while, some S ask for names whose
   * providers have just gone (met due, or already swept) and the sweep runs now and then: the code
   * that expires, unlinks and answers NOT_FOUND is compiled with both ways of each branch taken.
   * So, unless cold, {@code COHORTS} cohorts of {@code COHORT_PEERS} peers x 100 registrations (4
   * providers per name, as in the big registry) end one after the other through the warm-up, the
   * last 2/12 of it before the counting starts, and one S in 8 asks for a name of the cohort that
   * ended last. With a single early cohort, compiled code saw its leases end only once, was
   * recompiled later with profiles where nothing was ever due, and the jump made it deoptimise
   * (PrintCompilation, -Xlog:deoptimization): {@code isDue}, {@code ProviderQueue.remove}, the
   * sweep. Without any cohort ({@code --cold}) the jump is the first expiry the JVM ever sees.
   */
  private static final int COHORTS = 10;

  private static final int COHORT_PEERS = 100;

  /** Names of each cohort that the S stream asks for. */
  private static final int GONE_NAMES = 64;

  /** Cohort {@code c} ends at this time, before the big registry (at LEASE + 1). */
  private static long cohortEnd(int c) {
    return RegistryBenchmark.LEASE - (COHORTS - 1) + c;
  }

  private static String cohortName(int c, int k) {
    return "early-" + c + "-" + k;
  }

  private static void fillCohorts(MemoryRegistry registry) throws Exception {
    for (int c = 0; c < COHORTS; c++) {
      for (int p = 0; p < COHORT_PEERS; p++) {
        InetAddress ip =
            InetAddress.getByAddress(new byte[] {10, (byte) (200 + c), (byte) (p >> 8), (byte) p});
        for (int j = 0; j < 100; j++) {
          registry.register(
              PeerName.of("early" + c + "-" + p),
              ip,
              ContentName.of(cohortName(c, (p * 25 + j) % (COHORT_PEERS * 25))),
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
  private record Timing(long[] rtt, long[] sentAt, long[] sentAfter, TimedRegistry timed) {
    void split(int from, int to) {
      long worstServer = 0;
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
        long rest = rtt[i] - send - server;
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
          if (slow.length() < 400) {
            slow.append(
                String.format(
                    " %.1f=%.1f+%.1f+%.1f", rtt[i] / 1e6, send / 1e6, server / 1e6, rest / 1e6));
          }
        }
      }
      System.out.printf(
          "  server's part (send returned to its batch done): worst %.3f ms, over 5 ms: %d;"
              + " slices run while a request waited: at most %d, 2 or more for %d requests;"
              + " round trips over 5 ms (total=send+server+rest, ms):%s%n",
          worstServer / 1e6,
          serverOver,
          mostSlices,
          twoOrMore,
          over == 0 ? " none" : slow.toString());
    }
  }

  private static void report(String what, long[] rtt, byte[] type, int from, int to) {
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
  }
}
