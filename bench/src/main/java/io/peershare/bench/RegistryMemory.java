package io.peershare.bench;

import io.peershare.index.MemoryRegistry;
import io.peershare.index.RegistryLimits;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.PeerName;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Heap bytes per registration at 1,000,000 registrations, for two shapes: 4 providers per name
 * (10,000 peers x 100 over 250,000 names) and 1 provider per name (1,000,000 names). Measured as
 * the used heap after a full GC with the registry, minus the same without it. Every name has a
 * digest of its own (the SHA-256 of its name), as in real use.
 *
 * <p>Run: {@code java -Xmx3g -XX:+UseSerialGC -cp bench/target/benchmarks.jar
 * io.peershare.bench.RegistryMemory}
 */
public final class RegistryMemory {
  private RegistryMemory() {}

  public static void main(String[] args) throws Exception {
    for (int providersPerName : new int[] {4, 1}) {
      long before = usedAfterGc();
      MemoryRegistry r = fill(providersPerName);
      long after = usedAfterGc();
      System.out.printf(
          "%d provider(s) per name: %,d registrations, %,d bytes of heap = %.0f bytes each%n",
          providersPerName, r.size(), after - before, (after - before) / (double) r.size());
      r = null;
    }
  }

  static MemoryRegistry fill(int providersPerName) throws Exception {
    MemoryRegistry r = new MemoryRegistry(90_000, RegistryLimits.defaults());
    int peers = 10_000;
    int perPeer = 100;
    int names = peers * perPeer / providersPerName;
    for (int p = 0; p < peers; p++) {
      InetAddress ip =
          InetAddress.getByAddress(new byte[] {10, (byte) (p >> 16), (byte) (p >> 8), (byte) p});
      PeerName peer = PeerName.of("peer" + p);
      for (int j = 0; j < perPeer; j++) {
        int name = providersPerName == 1 ? p * perPeer + j : (p * 25 + j) % names;
        String text = "content-" + name;
        // each name its own digest, as real registrations carry: a registry that kept the
        // request's Digest object would pay for one per name
        Digest d = Digest.sha256(text.getBytes(StandardCharsets.UTF_8));
        r.register(peer, ip, ContentName.of(text), 4000, 1, d, 0);
      }
    }
    return r;
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean m = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return m.getHeapMemoryUsage().getUsed();
  }
}
