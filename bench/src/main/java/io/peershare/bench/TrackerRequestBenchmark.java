package io.peershare.bench;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.index.tracker.MemorySwarmStore;
import io.peershare.index.tracker.SwarmLimits;
import io.peershare.index.tracker.TrackerHandler;
import io.peershare.index.udp.DatagramBatch;
import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage.Announce;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tracker's per-request path without sockets, as {@code bench/tracker.sh} loads it: receive
 * batches of 64 announces (64 source addresses with valid connection ids, 1,000 torrents with 64
 * peers each, a quarter seeders, {@code num_want} 50) through {@link TrackerHandler#handle
 * (DatagramBatch)}: rate limit, connection id, decode, the store under its lock, encode. Times and
 * allocation are per announce.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TrackerRequestBenchmark -prof gc}
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TrackerRequestBenchmark {
  static final int SOURCES = 64;
  static final int TORRENTS = 1_000;
  static final long NOW = 1_700_000_000_000L;

  /** A handler over full swarms, and announces ready for each source. */
  @State(Scope.Thread)
  public static class Path {
    TrackerHandler handler;
    DatagramBatch batch = new DatagramBatch(TrackerHandler.MAX_REQUEST + 1);
    InetSocketAddress[] sources = new InetSocketAddress[SOURCES];
    byte[][] announces = new byte[SOURCES][];
    long[] ids = new long[SOURCES];
    byte[][] hashes = new byte[TORRENTS][];
    SplittableRandom random = new SplittableRandom(1);
    int transaction;

    @Setup(Level.Trial)
    public void fill() throws Exception {
      CookieJar jar = new CookieJar(new SecureRandom());
      handler =
          new TrackerHandler(
              new MemorySwarmStore(3_600_000, SwarmLimits.defaults(), new SplittableRandom(2)),
              new ReentrantLock(),
              jar,
              new AddressRateLimiter(0, AddressRateLimiter.DEFAULT_MAX_SOURCES),
              1800,
              Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
      for (int t = 0; t < TORRENTS; t++) {
        for (int p = 0; p < 64; p++) {
          InetSocketAddress peer = new InetSocketAddress("10.1." + (t % 200) + "." + (p + 1), 1);
          long id = jar.issue(new InetSocketAddress(peer.getAddress(), 0), NOW);
          byte[] a = TrackerCodec.encode(announce(id, 0, hash(t), 6881 + t / 200, p % 4 == 0));
          handler.handle(peer, a, a.length, NOW);
        }
      }
      for (int t = 0; t < TORRENTS; t++) {
        hashes[t] = hash(t).bytes();
      }
      for (int s = 0; s < SOURCES; s++) {
        sources[s] = new InetSocketAddress("127.1.0." + (s + 1), 40_000 + s);
        ids[s] = jar.issue(new InetSocketAddress(sources[s].getAddress(), 0), NOW);
        announces[s] = TrackerCodec.encode(announce(ids[s], 0, hash(s), 6881, s % 4 == 0));
      }
    }

    static InfoHash hash(int t) {
      return InfoHash.of(ByteBuffer.allocate(20).putInt(t).putInt(0x7ac).array());
    }

    static Announce announce(long id, int transaction, InfoHash hash, int port, boolean seeder) {
      return new Announce(
          id,
          transaction,
          hash,
          "-XX0001-000000000000",
          0,
          seeder ? 0 : 1000,
          0,
          Event.NONE,
          0,
          0,
          50,
          port,
          "");
    }
  }

  @Benchmark
  @OperationsPerInvocation(SOURCES)
  public int announceBatch(Path p) {
    DatagramBatch b = p.batch;
    b.clear();
    for (int s = 0; s < SOURCES; s++) {
      byte[] a = p.announces[s];
      // a new transaction id and torrent each time, as a client's next announce
      ByteBuffer.wrap(a).putInt(12, ++p.transaction);
      System.arraycopy(p.hashes[p.random.nextInt(TORRENTS)], 0, a, 16, InfoHash.SIZE);
      b.add(p.sources[s], a, 0, a.length);
    }
    p.handler.handle(b);
    int sum = 0;
    for (int s = 0; s < SOURCES; s++) {
      sum += b.replyLength(s);
    }
    return sum;
  }
}
