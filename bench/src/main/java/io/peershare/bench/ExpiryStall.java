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
 * (p50, p99, max) and how long the registry took to empty.
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
    SetClock clock = new SetClock();
    MemoryRegistry registry = RegistryBenchmark.filled(0);
    System.out.printf("registry: %,d registrations%n", registry.size());
    try (IndexServer server =
        new IndexServer(
                IndexServer.Config.defaults()
                    .withPort(0)
                    .withBind(InetAddress.getLoopbackAddress())
                    .withRatePerSecond(0)
                    .withClock(clock),
                registry)
            .start()) {
      InetSocketAddress at = server.localAddress();
      DatagramSocket[] sockets = new DatagramSocket[SOCKETS];
      byte[][] locate = new byte[SOCKETS][];
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
      }
      int warm = (int) (WARM_NANOS / GAP_NANOS);
      int total = warm + (int) (5_000_000_000L / GAP_NANOS);
      long[] sentAt = new long[total];
      long[] rtt = new long[total];
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
      long emptyAt = 0;
      for (int i = 0; i < total; i++) {
        long due = start + i * GAP_NANOS;
        long wait = due - System.nanoTime();
        if (wait > 0 && i % 5 == 0) {
          LockSupport.parkNanos(wait); // in bursts of 5: a spinning sender would take a core
        }
        if (i == jumpAt) {
          clock.millis.set(RegistryBenchmark.LEASE + 1); // every lease has ended
          jumpedAt = System.nanoTime();
        }
        if (i > jumpAt && emptyAt == 0 && registry.size() == 0) {
          emptyAt = System.nanoTime();
        }
        int s = i % SOCKETS;
        byte[] d = locate[s];
        ByteBuffer.wrap(d).putInt(2, i);
        sentAt[i] = System.nanoTime();
        sockets[s].send(new DatagramPacket(d, d.length));
      }
      Thread.sleep(500);
      for (DatagramSocket s : sockets) {
        s.close();
      }
      for (Thread t : readers) {
        t.join();
      }
      report("before the jump", rtt, warm, jumpAt);
      report("after the jump", rtt, jumpAt, total);
      System.out.printf(
          "registry emptied %.1f ms after the jump (%,d left)%n",
          emptyAt == 0 ? Double.NaN : (emptyAt - jumpedAt) / 1e6, registry.size());
    }
  }

  private static void report(String what, long[] rtt, int from, int to) {
    long[] got = Arrays.stream(rtt, from, to).filter(x -> x >= 0).sorted().toArray();
    int lost = (to - from) - got.length;
    System.out.printf(
        "%s: %,d requests, %d unanswered; round trip p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
        what,
        to - from,
        lost,
        got[got.length / 2] / 1e6,
        got[(int) (got.length * 0.99)] / 1e6,
        got[got.length - 1] / 1e6);
  }
}
