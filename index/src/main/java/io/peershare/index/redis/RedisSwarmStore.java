package io.peershare.index.redis;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.peershare.index.tracker.PeerEndpoint;
import io.peershare.index.tracker.SwarmLimits;
import io.peershare.index.tracker.SwarmStore;
import io.peershare.index.tracker.TrackerFullException;
import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The BitTorrent tracker's swarms in Redis, so that trackers on several index nodes sharing one
 * store act as one tracker. Per swarm, tagged by its info hash (one cluster slot): a hash {@code
 * ps:w{HASH}} (peer endpoint → seeder flag, and the swarm's counts) and a sorted set {@code
 * ps:v{HASH}} (peer → last announce). An announce is one script ({@code swarm.lua}): it drops the
 * swarm's silent peers, records the announce, updates the counts and picks the answer, atomically.
 *
 * <p>Across swarms (approximate, as the registry's total limit): totals in {@code ps:wt} and peers
 * per address in {@code ps:wh}, moved by what each script reports; swarms due for a sweep in 64
 * sorted sets {@code ps:wd{bN}} (info hash → last announce), which every node sweeps at most once a
 * second, so a swarm nobody announces to any more goes too. The limits are checked against totals
 * read at most once a second and the per-address count after the fact (a peer over the limit is
 * taken out again), so nodes adding peers at once may pass them by what they add in that second.
 *
 * <p>Called from the tracker's thread, which waits for each answer (one round trip). Thread-safe.
 */
public final class RedisSwarmStore implements SwarmStore {
  private static final int BUCKETS = 64;
  private static final byte[] TOTALS = Keys.ascii("ps:wt");
  private static final byte[] HOLDERS = Keys.ascii("ps:wh");
  private static final byte[] SWARMS = Keys.ascii("w");
  private static final byte[] SEEDERS = Keys.ascii("s");
  private static final byte[] LEECHERS = Keys.ascii("l");
  private static final byte[] COMPLETED = Keys.ascii("#c");
  private static final byte[] SEEDERS_IN = Keys.ascii("#s");
  private static final byte[] LEECHERS_IN = Keys.ascii("#l");

  /** Peers one announce looks at at most to fill its answer (a seeder in a swarm of seeders). */
  private static final int MAX_SCAN = 2_000;

  private static final long SWEEP_EVERY_MILLIS = 1_000;
  private static final long TOTALS_EVERY_MILLIS = 1_000;

  private final RedisStore store;
  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final long ttlMillis;
  private final SwarmLimits limits;
  private final SplittableRandom random = new SplittableRandom();
  private long lastSweep = Long.MIN_VALUE;
  private long totalsReadAt = Long.MIN_VALUE;
  private Totals cachedTotals = new Totals(0, 0, 0);

  public RedisSwarmStore(RedisStore store, long ttlMillis, SwarmLimits limits) {
    if (ttlMillis <= 0) {
      throw new IllegalArgumentException("time to live must be positive");
    }
    this.store = store;
    this.redis = store.commands();
    this.ttlMillis = ttlMillis;
    this.limits = limits;
  }

  @Override
  public synchronized Announced announce(
      InfoHash hash, PeerEndpoint peer, boolean seeder, Event event, int numWant, long now)
      throws TrackerFullException {
    Totals t = totalsNow(now);
    String full =
        t.seeders() + t.leechers() >= limits.peers()
            ? "peers"
            : t.swarms() >= limits.swarms() ? "swarms" : "";
    byte[] me = peer.toBytes();
    Step step = store.await(run(hash, now, me, seeder ? "1" : "0", event.name(), numWant, full));
    switch (step.status()) {
      case "peers" -> throw new TrackerFullException("the tracker is full (peers)");
      case "swarms" -> throw new TrackerFullException("the tracker is full (torrents)");
      default -> {}
    }
    if (step.fresh()) {
      long held = store.await(redis.hincrby(HOLDERS, holder(me), 1).toCompletableFuture());
      if (held > limits.perAddress()) {
        store.await(run(hash, now, me, "0", Event.STOPPED.name(), 0, ""));
        throw new TrackerFullException(
            "this address has " + limits.perAddress() + " peers here, the most it may");
      }
    }
    return new Announced(step.seeders(), step.leechers(), step.peers());
  }

  /** What one run of {@code swarm.lua} answered. */
  private record Step(
      int seeders, int leechers, byte[] peers, boolean fresh, int removed, String status) {}

  /** Runs {@code swarm.lua} (an announce, or a sweep when {@code me} is null) and books it. */
  private CompletableFuture<Step> run(
      InfoHash hash, long now, byte[] me, String seeder, String event, int numWant, String full) {
    byte[] h = hash.bytes();
    byte[][] keys = {tagged('w', h), tagged('v', h)};
    byte[][] args =
        me == null
            ? new byte[][] {num(ttlMillis), num(now)}
            : new byte[][] {
              num(ttlMillis),
              num(now),
              me,
              Keys.ascii(seeder),
              Keys.ascii(event),
              num(numWant),
              num(random.nextInt(1 << 30)),
              num(MAX_SCAN),
              Keys.ascii(full)
            };
    return store
        .<List<Object>>run(Script.SWARM, ScriptOutputType.MULTI, keys, args)
        .thenApply(r -> book(h, now, r));
  }

  /** Moves the totals, the per-address counts and the swarm's due time (not waited for). */
  private Step book(byte[] hash, long now, List<Object> r) {
    long swarms = (Long) r.get(3);
    byte[] removed = (byte[]) r.get(4);
    long newest = (Long) r.get(6);
    long ds = (Long) r.get(8);
    long dl = (Long) r.get(9);
    if (swarms != 0) {
      redis.hincrby(TOTALS, SWARMS, swarms);
    }
    if (ds != 0) {
      redis.hincrby(TOTALS, SEEDERS, ds);
    }
    if (dl != 0) {
      redis.hincrby(TOTALS, LEECHERS, dl);
    }
    int gone = 0;
    for (int i = 0; i < removed.length; gone++) {
      int len = removed[i];
      redis.hincrby(HOLDERS, holder(Arrays.copyOfRange(removed, i + 1, i + 1 + len)), -1);
      i += 1 + len;
    }
    byte[] due = due(hash);
    if (newest > 0) {
      redis.zadd(due, ZAddArgs.Builder.gt(), (double) newest, hash);
    } else if (swarms < 0) {
      store.run(Script.SWARMDONE, ScriptOutputType.INTEGER, new byte[][] {due}, hash, num(now));
    }
    return new Step(
        ((Long) r.get(0)).intValue(),
        ((Long) r.get(1)).intValue(),
        (byte[]) r.get(2),
        (Long) r.get(5) == 1,
        gone,
        new String((byte[]) r.get(7), java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Override
  public ScrapeCounts scrape(InfoHash hash, long now) {
    List<io.lettuce.core.KeyValue<byte[], byte[]>> v =
        store.await(
            redis
                .hmget(tagged('w', hash.bytes()), SEEDERS_IN, COMPLETED, LEECHERS_IN)
                .toCompletableFuture());
    return new ScrapeCounts(count(v.get(0)), count(v.get(1)), count(v.get(2)));
  }

  /**
   * Sweeps the swarms whose last announce is older than the time to live (every node does, at most
   * once a second): each is one script, which drops its silent peers and the swarm when none is
   * left. Returns how many peers this call removed.
   */
  @Override
  public synchronized int expire(long now, int max) {
    if (lastSweep != Long.MIN_VALUE && now >= lastSweep && now - lastSweep < SWEEP_EVERY_MILLIS) {
      return 0;
    }
    lastSweep = now;
    long cutoff = now - ttlMillis;
    List<CompletableFuture<List<byte[]>>> dues = new ArrayList<>(BUCKETS);
    int perBucket = Math.max(1, max / BUCKETS);
    for (int b = 0; b < BUCKETS; b++) {
      dues.add(
          redis
              .zrangebyscore(
                  bucketKey(b),
                  Range.create(Double.NEGATIVE_INFINITY, (double) cutoff),
                  io.lettuce.core.Limit.create(0, perBucket))
              .toCompletableFuture());
    }
    List<CompletableFuture<Step>> swept = new ArrayList<>();
    for (CompletableFuture<List<byte[]>> d : dues) {
      for (byte[] hash : store.await(d)) {
        swept.add(run(InfoHash.of(hash), now, null, null, null, 0, null));
      }
    }
    int n = 0;
    for (CompletableFuture<Step> s : swept) {
      n += store.await(s).removed();
    }
    return n;
  }

  @Override
  public synchronized Totals totals() {
    return readTotals();
  }

  private Totals totalsNow(long now) {
    if (totalsReadAt == Long.MIN_VALUE
        || now < totalsReadAt
        || now - totalsReadAt >= TOTALS_EVERY_MILLIS) {
      cachedTotals = readTotals();
      totalsReadAt = now;
    }
    return cachedTotals;
  }

  private Totals readTotals() {
    List<io.lettuce.core.KeyValue<byte[], byte[]>> v =
        store.await(redis.hmget(TOTALS, SWARMS, SEEDERS, LEECHERS).toCompletableFuture());
    return new Totals(count(v.get(0)), count(v.get(1)), count(v.get(2)));
  }

  @Override
  public long peerTtlMillis() {
    return ttlMillis;
  }

  private static int count(io.lettuce.core.KeyValue<byte[], byte[]> kv) {
    return kv.hasValue() ? Math.max(0, Integer.parseInt(new String(kv.getValue()))) : 0;
  }

  /** Who holds a peer, for the per-address limit: an IPv4 address, or an IPv6 /64. */
  private static byte[] holder(byte[] compact) {
    return Arrays.copyOf(compact, compact.length == 6 ? 4 : 8);
  }

  private static byte[] due(byte[] hash) {
    return bucketKey((hash[0] & 0xff) % BUCKETS);
  }

  private static byte[] bucketKey(int b) {
    return Keys.ascii("ps:wd{b" + b + "}");
  }

  /** {@code ps:KIND{HEX}}: every key of one swarm on one slot. */
  private static byte[] tagged(char kind, byte[] hash) {
    return Keys.ascii("ps:" + kind + "{" + java.util.HexFormat.of().formatHex(hash) + "}");
  }

  private static byte[] num(long n) {
    return Keys.ascii(Long.toString(n));
  }
}
