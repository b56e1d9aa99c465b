package io.peershare.index.tracker;

import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * The swarms in one process's memory. A hash map finds a swarm by info hash; each swarm finds a
 * peer by endpoint and picks answers from arrays (see {@link Swarm}). Expiry uses a queue of
 * deadlines with one entry per peer: an announce only moves the peer's real deadline, and an entry
 * that comes due while its peer has announced since is pushed back with the new deadline, so expiry
 * never scans. Not thread-safe: the tracker holds one lock around every call.
 */
public final class MemorySwarmStore implements SwarmStore {
  private record Due(long at, SwarmPeer peer) {}

  private final long ttlMillis;
  private final SwarmLimits limits;
  private final RandomGenerator random;
  private final Map<InfoHash, Swarm> swarms = new HashMap<>();
  private final Map<Long, int[]> perHolder = new HashMap<>();
  private final PriorityQueue<Due> deadlines =
      new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
  private int seeders;
  private int leechers;

  /** {@code random} picks where answers start in a swarm: seeded in tests. */
  public MemorySwarmStore(long ttlMillis, SwarmLimits limits, RandomGenerator random) {
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("time to live must be positive");
    }
    this.ttlMillis = ttlMillis;
    this.limits = limits;
    this.random = random;
  }

  @Override
  public Announced announce(
      InfoHash hash, PeerEndpoint peer, boolean seeder, Event event, int numWant, long now)
      throws TrackerFullException {
    Swarm swarm = swarms.get(hash);
    SwarmPeer p = swarm == null ? null : swarm.get(peer);
    if (event == Event.STOPPED) {
      if (p != null) {
        leave(p);
      }
      return new Announced(
          swarm == null ? 0 : swarm.seeders(), swarm == null ? 0 : swarm.leechers(), new byte[0]);
    }
    if (p == null) {
      if (seeders + leechers >= limits.peers()) {
        throw new TrackerFullException("the tracker is full (peers)");
      }
      int[] held = perHolder.get(peer.holder());
      if (held != null && held[0] >= limits.perAddress()) {
        throw new TrackerFullException(
            "this address has " + limits.perAddress() + " peers here, the most it may");
      }
      if (swarm == null) {
        if (swarms.size() >= limits.swarms()) {
          throw new TrackerFullException("the tracker is full (torrents)");
        }
        swarm = new Swarm(hash);
        swarms.put(hash, swarm);
      }
      p = new SwarmPeer(peer, swarm, seeder, now);
      swarm.add(p);
      count(seeder, 1);
      perHolder.computeIfAbsent(peer.holder(), k -> new int[1])[0]++;
      deadlines.add(new Due(now + ttlMillis, p));
      if (event == Event.COMPLETED && seeder) {
        swarm.completed++; // a peer new to this tracker that says it just finished
      }
    } else {
      if (event == Event.COMPLETED && seeder && !p.seeder) {
        swarm.completed++;
      }
      p.lastSeen = Math.max(p.lastSeen, now);
      if (p.seeder != seeder) {
        count(p.seeder, -1);
        count(seeder, 1);
        swarm.setSeeder(p, seeder);
      }
    }
    return new Announced(swarm.seeders(), swarm.leechers(), swarm.pick(p, numWant, random));
  }

  private void count(boolean seeder, int delta) {
    if (seeder) {
      seeders += delta;
    } else {
      leechers += delta;
    }
  }

  private void leave(SwarmPeer p) {
    Swarm swarm = p.swarm;
    swarm.remove(p);
    count(p.seeder, -1);
    long holder = p.endpoint.holder();
    if (--perHolder.get(holder)[0] == 0) {
      perHolder.remove(holder);
    }
    if (swarm.isEmpty()) {
      swarms.remove(swarm.hash);
    }
  }

  @Override
  public ScrapeCounts scrape(InfoHash hash, long now) {
    Swarm swarm = swarms.get(hash);
    return swarm == null
        ? new ScrapeCounts(0, 0, 0)
        : new ScrapeCounts(swarm.seeders(), swarm.completed, swarm.leechers());
  }

  @Override
  public int expire(long now, int max) {
    int n = 0;
    Due head;
    // every entry looked at counts against max, so one call's work is bounded whatever it finds
    for (int looked = 0; looked < max && (head = deadlines.peek()) != null && head.at() <= now; ) {
      looked++;
      deadlines.poll();
      SwarmPeer p = head.peer();
      if (p.gone) {
        continue; // left with STOPPED since
      }
      long deadline = p.lastSeen + ttlMillis;
      if (deadline <= now) {
        leave(p);
        n++;
      } else {
        deadlines.add(new Due(deadline, p));
      }
    }
    return n;
  }

  @Override
  public Totals totals() {
    return new Totals(swarms.size(), seeders, leechers);
  }

  @Override
  public long peerTtlMillis() {
    return ttlMillis;
  }
}
