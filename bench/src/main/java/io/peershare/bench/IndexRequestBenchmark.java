package io.peershare.bench;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.index.DatagramHandler;
import io.peershare.index.MemoryRegistry;
import io.peershare.index.ReplyCache;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.PeerName;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The index's per-request path without sockets: one {@code S} datagram in, its {@code P} reply out
 * (header, rate limit, cookie check, reply cache lookup and insert, decode, registry locate of 4
 * providers of a random name among 250,000 in a registry of 1,000,000 registrations, encode). Each
 * datagram carries a new request id, as a client's do, so the reply cache never answers; 64 source
 * addresses with their own cookies.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar IndexRequestBenchmark -prof gc}
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IndexRequestBenchmark {
  static final int SOURCES = 64;
  static final long NOW = 1_000;

  /** A handler over a full registry, and S datagrams ready for each source. */
  @State(Scope.Thread)
  public static class Path {
    DatagramHandler handler;
    InetSocketAddress[] sources = new InetSocketAddress[SOURCES];
    byte[][] locates = new byte[SOURCES][];
    SplittableRandom random = new SplittableRandom(1);
    int id;

    @Setup(Level.Trial)
    public void fill() throws Exception {
      MemoryRegistry registry = RegistryBenchmark.filled(0);
      handler =
          new DatagramHandler(
              registry,
              new CookieJar(new SplittableRandom(7)),
              new ReplyCache(32 << 20, 32 << 20),
              new AddressRateLimiter(0, 65_536));
      for (int s = 0; s < SOURCES; s++) {
        sources[s] = new InetSocketAddress("127.1.0." + (s + 1), 40_000 + s);
        byte[] h = IndexCodec.encode(new IndexMessage.Hello(1));
        byte[] y = handler.handle(sources[s], h, h.length, NOW);
        long cookie = ((IndexMessage.CookieReply) IndexCodec.decode(y)).cookie();
        locates[s] =
            IndexCodec.encode(
                new IndexMessage.Locate(
                    0, cookie, PeerName.of("asker"), ContentName.of("content-0"), 4));
      }
    }

    /** The next datagram: a random source asking for a random name, with a fresh request id. */
    byte[] next(int[] length) {
      int s = random.nextInt(SOURCES);
      int c = random.nextInt(RegistryBenchmark.CONTENTS);
      byte[] d = locates[s];
      String name = "content-" + c;
      // same layout as the prepared datagram with another name: header, cookie, "asker", name, max
      byte[] out = scratch;
      System.arraycopy(d, 0, out, 0, 14 + 1 + 5);
      int at = 14 + 1 + 5;
      out[at++] = (byte) name.length();
      for (int i = 0; i < name.length(); i++) {
        out[at++] = (byte) name.charAt(i);
      }
      out[at++] = 4;
      int rid = ++id;
      out[2] = (byte) (rid >>> 24);
      out[3] = (byte) (rid >>> 16);
      out[4] = (byte) (rid >>> 8);
      out[5] = (byte) rid;
      length[0] = at;
      lastSource = sources[s];
      return out;
    }

    final byte[] scratch = new byte[1200];
    final int[] length = new int[1];
    InetSocketAddress lastSource;
  }

  @Benchmark
  public byte[] locate(Path p) {
    byte[] d = p.next(p.length);
    return p.handler.handle(p.lastSource, d, p.length[0], NOW);
  }

  /** What {@link #locate} spends making its input: subtract it. */
  @Benchmark
  public byte[] makeInput(Path p) {
    return p.next(p.length);
  }
}
