package io.peershare.bench;

import io.peershare.index.MemoryRegistry;
import io.peershare.index.Registry;
import io.peershare.index.RegistryException;
import io.peershare.index.RegistryLimits;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * The in-memory registry holding 1,000,000 registrations: 10,000 peers with 100 each, over 250,000
 * content names with 4 providers each. {@code register} adds and removes one entry (so the size
 * stays put); {@code locate} asks for 4 providers of a random name ({@code pickName} is the cost of
 * choosing that name alone); {@code expireAll} drops all 1,000,000 at once (single shot: divide by
 * 1e6 for the cost per entry).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RegistryBenchmark}
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RegistryBenchmark {
  static final int PEERS = 10_000;
  static final int PER_PEER = 100;
  static final int CONTENTS = 250_000;
  static final long LEASE = 90_000;
  static final Digest DIGEST = Digest.sha256(new byte[0]);
  static final PeerName PEER0 = PeerName.of("peer0");

  static MemoryRegistry filled(long now) throws RegistryException, UnknownHostException {
    MemoryRegistry r = new MemoryRegistry(LEASE, RegistryLimits.defaults());
    for (int p = 0; p < PEERS; p++) {
      InetAddress ip =
          InetAddress.getByAddress(new byte[] {10, (byte) (p >> 16), (byte) (p >> 8), (byte) p});
      for (int j = 0; j < PER_PEER; j++) {
        r.register(
            PeerName.of("peer" + p),
            ip,
            ContentName.of("content-" + ((p * 25 + j) % CONTENTS)),
            4000,
            1,
            DIGEST,
            now);
      }
    }
    return r;
  }

  /** A full registry shared by the throughput benchmarks. */
  @State(Scope.Benchmark)
  public static class Full {
    MemoryRegistry registry;
    InetAddress ip;
    ContentName[] names;
    ContentName[] fresh;
    SplittableRandom random = new SplittableRandom(1);
    int next;

    @Setup(Level.Trial)
    public void fill() throws Exception {
      registry = filled(0);
      ip = InetAddress.getByAddress(new byte[] {10, 0, 0, 0});
      names = new ContentName[CONTENTS];
      for (int i = 0; i < CONTENTS; i++) {
        names[i] = ContentName.of("content-" + i);
      }
      fresh = new ContentName[1024];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = ContentName.of("new-" + i);
      }
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Registry.Located locate(Full s) throws RegistryException {
    return s.registry.locate(s.names[s.random.nextInt(CONTENTS)], 4, 1);
  }

  /**
   * The part of {@code locate} that is the harness's, not the registry's: drawing a random name and
   * touching its String and bytes (cold in cache, unlike a name the server has just decoded).
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int pickName(Full s) {
    ContentName name = s.names[s.random.nextInt(CONTENTS)];
    return name.hashCode() + name.toString().length();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int registerAndDeregister(Full s) throws RegistryException {
    ContentName content = s.fresh[s.next++ & 1023];
    s.registry.register(PEER0, s.ip, content, 4000, 1, DIGEST, 1);
    s.registry.deregister(PEER0, s.ip, content, 1);
    return s.registry.size();
  }

  /** A fresh full registry for every expiry measurement. */
  @State(Scope.Thread)
  public static class ToExpire {
    MemoryRegistry registry;

    @Setup(Level.Iteration)
    public void fill() throws Exception {
      registry = filled(0);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public int expireAll(ToExpire s) {
    int n = s.registry.expire(LEASE);
    if (n != PEERS * PER_PEER) {
      throw new IllegalStateException("expired " + n);
    }
    return n;
  }
}
