package io.peershare.bench;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.index.DatagramHandler;
import io.peershare.index.MemoryRegistry;
import io.peershare.index.RegistryLimits;
import io.peershare.index.ReplyCache;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * One {@code S} for a name whose providers' leases have all ended, through {@link
 * DatagramHandler#handle} as a server thread runs it (one expiry slice first, then the request):
 * {@code n} peers (default 1,000,000) each provide the name {@code hot}, registered at time 0, and
 * the request comes at the end of their lease. Prints how long that request took, how long a second
 * one took, and how many registrations the registry still counts (the sweep's share). Three rounds,
 * each on a fresh registry (the first runs colder code).
 *
 * <p>Run: {@code java -Xmx3g -cp bench/target/benchmarks.jar io.peershare.bench.HotLocate [n]}
 */
public final class HotLocate {
  private static final long LEASE = 90_000;

  private HotLocate() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    for (int round = 1; round <= 3; round++) {
      MemoryRegistry registry = new MemoryRegistry(LEASE, RegistryLimits.defaults());
      ContentName hot = ContentName.of("hot");
      for (int i = 0; i < n; i++) {
        InetAddress ip =
            InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
        registry.register(PeerName.of("p" + i), ip, hot, 4000, 1, RegistryBenchmark.DIGEST, 0);
      }
      System.gc();
      DatagramHandler handler =
          new DatagramHandler(
              registry,
              new CookieJar(new SplittableRandom(7)),
              new ReplyCache(1 << 20, 1 << 20),
              new AddressRateLimiter(0, 16));
      InetSocketAddress from = new InetSocketAddress("127.1.0.1", 40_000);
      byte[] h = IndexCodec.encode(new IndexMessage.Hello(1));
      long cookie =
          ((IndexMessage.CookieReply) IndexCodec.decode(handler.handle(from, h, h.length, LEASE)))
              .cookie();
      long[] took = new long[2];
      String[] answer = new String[2];
      for (int k = 0; k < 2; k++) {
        byte[] s =
            IndexCodec.encode(new IndexMessage.Locate(2 + k, cookie, PeerName.of("asker"), hot, 4));
        long t = System.nanoTime();
        byte[] reply = handler.handle(from, s, s.length, LEASE);
        took[k] = System.nanoTime() - t;
        answer[k] = String.valueOf((char) reply[0]);
      }
      System.out.printf(
          "round %d, %,d due providers: first S %.3f ms (%s), second S %.3f ms (%s);"
              + " registrations the sweep still has %,d%n",
          round, n, took[0] / 1e6, answer[0], took[1] / 1e6, answer[1], registry.size());
    }
  }
}
