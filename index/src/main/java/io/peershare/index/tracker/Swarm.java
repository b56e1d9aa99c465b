package io.peershare.index.tracker;

import io.peershare.protocol.bittorrent.InfoHash;
import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The peers of one torrent: found by endpoint through a map, and held in four lists (IPv4 and IPv6,
 * seeders and leechers) so that an answer draws from the right family and kind without a scan.
 */
final class Swarm {
  final InfoHash hash;
  private final Map<PeerEndpoint, SwarmPeer> byEndpoint = new HashMap<>(4);
  private final PeerList[] lists = {new PeerList(), new PeerList(), new PeerList(), new PeerList()};
  int completed;

  Swarm(InfoHash hash) {
    this.hash = hash;
  }

  private PeerList list(boolean ipv6, boolean seeder) {
    return lists[(ipv6 ? 2 : 0) + (seeder ? 1 : 0)];
  }

  SwarmPeer get(PeerEndpoint e) {
    return byEndpoint.get(e);
  }

  void add(SwarmPeer p) {
    byEndpoint.put(p.endpoint, p);
    list(p.endpoint.ipv6(), p.seeder).add(p);
  }

  void remove(SwarmPeer p) {
    byEndpoint.remove(p.endpoint);
    list(p.endpoint.ipv6(), p.seeder).remove(p);
    p.gone = true;
  }

  void setSeeder(SwarmPeer p, boolean seeder) {
    if (p.seeder != seeder) {
      list(p.endpoint.ipv6(), p.seeder).remove(p);
      p.seeder = seeder;
      list(p.endpoint.ipv6(), seeder).add(p);
    }
  }

  boolean isEmpty() {
    return byEndpoint.isEmpty();
  }

  int seeders() {
    return lists[1].size() + lists[3].size();
  }

  int leechers() {
    return lists[0].size() + lists[2].size();
  }

  /**
   * Up to {@code max} peers of {@code self}'s family other than {@code self}, in wire form: for a
   * seeder only leechers, for a leecher seeders and leechers alike. They are taken in a row from a
   * random place, wrapping around, so that successive announces spread over the whole swarm. {@code
   * self} must be in this swarm.
   */
  byte[] pick(SwarmPeer self, int max, RandomGenerator random) {
    boolean ipv6 = self.endpoint.ipv6();
    PeerList seeders = self.seeder ? null : list(ipv6, true);
    PeerList leechers = list(ipv6, false);
    int s = seeders == null ? 0 : seeders.size();
    int total = s + leechers.size();
    int others = self.seeder ? total : total - 1; // a leecher is among the candidates
    int n = Math.clamp(max, 0, others);
    int size = ipv6 ? 18 : 6;
    byte[] out = new byte[n * size];
    int at = n == 0 ? 0 : random.nextInt(total);
    for (int pos = 0; pos < out.length; at = at + 1 == total ? 0 : at + 1) {
      SwarmPeer p = at < s ? seeders.get(at) : leechers.get(at - s);
      if (p != self) {
        System.arraycopy(p.endpoint.compact(), 0, out, pos, size);
        pos += size;
      }
    }
    return out;
  }
}
