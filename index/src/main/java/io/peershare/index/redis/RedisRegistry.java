package io.peershare.index.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.peershare.index.Registry;
import io.peershare.index.RegistryBatch;
import io.peershare.index.RegistryException;
import io.peershare.index.RegistryLimits;
import io.peershare.index.ReplyCache;
import io.peershare.index.SharedReplies;
import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.PeerName;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The registry in Redis, shared by any number of index nodes: see docs/scaling.md for the layout
 * and the argument that no reader sees half an operation. Each step is one Lua script on one slot;
 * an operation that spans slots (R: peer then content; T, Q, K and expiry: content then peer) runs
 * its steps in an order that keeps two rules at every instant:
 *
 * <ol>
 *   <li>a provider of a content (its field in the content's hash, and its entry in the content's
 *       queue, which exists only while it has two providers or more) has its field in its peer's
 *       record, and that record a lease entry (written before, removed after);
 *   <li>a name read from the listing is shown only when its content has a provider (the listing is
 *       added to after the first provider and cleaned after the last; readers check).
 * </ol>
 *
 * Every step is safe to repeat: removals are conditional on a registration's stamp.
 *
 * <p>A server uses {@link #apply}: a whole receive batch started at once and completed when every
 * answer is in (see there). The single {@link Registry} methods (tests, tools) sweep when due, wait
 * at most {@link RedisStore#operationTimeout} and throw {@link StoreException} when the store
 * fails. Leases are swept by every node: in the background between batches ({@link #sweep}) at most
 * every {@link #SWEEP_INTERVAL_MILLIS}, so a registration may outlive its deadline by that much;
 * with an interval of 0 every batch and operation sweeps first (exact expiry, for tests).
 * Thread-safe.
 */
public final class RedisRegistry implements Registry {
  /** At most this long between two sweeps started by operations of one node. */
  public static final long SWEEP_INTERVAL_MILLIS = 250;

  /** How old the node's view of the registration count may get before it reads it again. */
  static final long TOTAL_REFRESH_MILLIS = 1_000;

  private static final int SWEEP_BATCH = 256;
  private static final int LIST_SCAN_BUDGET = 4096;
  private static final byte[] META = {0, 'm'};

  /**
   * A content hash's fields that are not providers: the meta and the rotation counter, which is
   * written with the second provider (content.lua).
   */
  private static final int CONTENT_RESERVED = 2;

  private static final ListingEntry STALE = new ListingEntry(ContentName.of("-"), 0, 0);

  private final RedisStore store;
  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final long leaseMillis;
  private final RegistryLimits limits;
  private final byte[] leaseArg;
  private final byte[] perPeerArg;
  private final long sweepInterval;
  private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);

  /** The newest time bucket of R's replies this node has dropped (Long.MIN_VALUE: none yet). */
  private final AtomicLong droppedReplies = new AtomicLong(Long.MIN_VALUE);

  private final AtomicLong totalReadAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong totalEstimate = new AtomicLong();

  public RedisRegistry(RedisStore store, long leaseMillis, RegistryLimits limits) {
    this(store, leaseMillis, limits, SWEEP_INTERVAL_MILLIS);
  }

  /**
   * A registry whose operations sweep due leases first when the last sweep is {@code
   * sweepIntervalMillis} old; 0 makes every operation sweep, so expiry is exact (as in {@code
   * MemoryRegistry}) at the price of a look at every bucket per operation.
   */
  public RedisRegistry(
      RedisStore store, long leaseMillis, RegistryLimits limits, long sweepIntervalMillis) {
    if (leaseMillis <= 0 || sweepIntervalMillis < 0) {
      throw new IllegalArgumentException("lease must be positive");
    }
    this.store = store;
    this.redis = store.commands();
    this.leaseMillis = leaseMillis;
    this.limits = limits;
    this.leaseArg = num(leaseMillis);
    this.perPeerArg = num(limits.perPeer());
    this.sweepInterval = sweepIntervalMillis;
  }

  public RedisStore store() {
    return store;
  }

  // ---------------------------------------------------------------- R

  /** R, started at once (see {@link #register}); a refusal fails the future. */
  public CompletableFuture<Void> registerAsync(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now) {
    return sweepIfDue(now)
        .thenCompose(
            x ->
                registerStep(
                    peer.toString(), ip, content.toString(), tcpPort, size, digest, now, null));
  }

  /** R with a shared-reply ticket, as a batch starts it (tests look at the claim it leaves). */
  CompletableFuture<Void> registerAsync(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now,
      Object ticket) {
    return registerStep(
        peer.toString(), ip, content.toString(), tcpPort, size, digest, now, ticket);
  }

  private CompletableFuture<Void> registerStep(
      String peer,
      InetAddress ip,
      String content,
      int tcpPort,
      long size,
      Digest digest,
      long now,
      Object ticket) {
    byte[] p = utf8(peer);
    byte[] c = utf8(content);
    byte[] addr = ip.getAddress();
    byte[] meta = meta(size, digest);
    if (!store.isCluster() && roomForOne(now)) {
      return inOneStep(new OneR(peer, content, p, addr, c, tcpPort, meta), now, ticket, true);
    }
    return claim(p, addr, c, now, true, ticket)
        .thenCompose(
            claimed ->
                claimed.isNew()
                    ? checkTotal(now)
                        .exceptionallyCompose(
                            e ->
                                forget(p, List.of(c), List.of(claimed.stamp()))
                                    .thenCompose(y -> failed(e)))
                        .thenApply(x -> claimed)
                    : CompletableFuture.completedFuture(claimed))
        .thenCompose(claimed -> addToContent(p, addr, c, tcpPort, meta, claimed, peer, content))
        .exceptionallyCompose(
            e -> {
              // a limit ranks after CONFLICT (the spec's order): look at the content first
              Throwable t = RedisStore.unwrap(e);
              return t instanceof RegistryException r && r.code() == ErrorCode.LIMIT
                  ? conflictOr(c, meta, content, r)
                  : failed(t);
            });
  }

  /**
   * Whether this node's count says a new registration fits without reading the store's: then a
   * standalone store takes the R in one step. Otherwise the R goes in steps, whose check of the
   * total reads the count again (at most every {@link #TOTAL_REFRESH_MILLIS}), so the count is as
   * fresh as on a cluster.
   */
  private boolean roomForOne(long now) {
    return roomFor(now, 1);
  }

  /** {@link #roomForOne} for {@code n} new registrations at once. */
  private boolean roomFor(long now, int n) {
    long read = totalReadAt.get();
    return read != Long.MIN_VALUE
        && now >= read
        && now - read < TOTAL_REFRESH_MILLIS
        && totalEstimate.get() + n <= limits.total();
  }

  /**
   * R on a standalone store: claim, content and listing in one script ({@code register_all.lua}),
   * one command and one round trip instead of three commands in two round trips; it checks every
   * rule before it writes, so a refusal needs no undo. Dead registrations of the name are reaped
   * first, and the R looks again without the reply key (the claim is made).
   */
  private CompletableFuture<Void> inOneStep(OneR r, long now, Object ticket, boolean mayReap) {
    byte[] c = r.c();
    byte[][] pk = Keys.peerKeys(r.p());
    RedisReplies.Ticket t = ticket instanceof RedisReplies.Ticket x ? x : null;
    // no queue key: the script makes the queue's name from the content hash's when it needs it;
    // with a ticket, the time buckets of R's replies after the script's own keys
    byte[][] keys = {pk[0], pk[1], pk[2], Keys.contentHash(c), Keys.NAMES};
    if (t != null) {
      t.at(now);
      byte[][] buckets = RedisReplies.buckets(now);
      keys = Arrays.copyOf(keys, keys.length + buckets.length);
      System.arraycopy(buckets, 0, keys, 5, buckets.length);
    }
    // the A this R gets when it acts, stored by the script itself: no SET of its own
    byte[] ack =
        t == null
            ? null
            : IndexCodec.encode(new IndexMessage.Ack(t.requestId(), leaseMillis / 1000));
    CompletableFuture<List<Object>> call;
    try {
      call = store.run(Script.REGISTER_ALL, ScriptOutputType.MULTI, keys, packOne(r, now, ack, t));
    } catch (RuntimeException e) {
      call = failed(e); // Lettuce refuses a command at once while it has no connection
    }
    return call.thenCompose(
        answer ->
            switch (text(answer.get(0))) {
              case "DONE" -> failed(new AnsweredElsewhere((byte[]) answer.get(1)));
              case "WAIT" -> failed(new AnsweredElsewhere(SharedReplies.IN_PROGRESS));
              case String status -> settle(status, r, now, ticket, ack, mayReap);
            });
  }

  /**
   * {@code register_all.lua}'s one argument (its layout is in the script): the R's names, address,
   * time, lease and limit, and with a ticket its A, how long a reply and a claim are kept, the
   * request's hash and the claim's token. One argument instead of thirteen: Redis spends about
   * 1,000 instructions on each argument of an EVALSHA, and Lua 600-1,200 on each decimal number it
   * parses (docs/scaling.md).
   */
  private byte[] packOne(OneR r, long now, byte[] ack, RedisReplies.Ticket t) {
    byte[] nowText = num(now);
    byte[] due = num(now + leaseMillis);
    byte[] p = r.p();
    byte[] c = r.c();
    byte[] addr = r.addr();
    int size =
        2
            + p.length
            + 1
            + addr.length
            + 2
            + c.length
            + 8
            + 8
            + 4
            + 1
            + nowText.length
            + 1
            + due.length
            + 1
            + 3
            + addr.length
            + r.meta().length;
    byte[] ttl = t == null ? null : RedisReplies.bucketTtl(now);
    if (t != null) {
      size +=
          1
              + ack.length
              + 1
              + ttl.length
              + 1
              + RedisReplies.PENDING.length
              + t.hash().length
              + 1
              + t.token().length
              + 1
              + t.field().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putShort((short) p.length).put(p);
    b.put((byte) addr.length).put(addr);
    b.putShort((short) c.length).put(c);
    b.putLong(now).putLong(leaseMillis).putInt(limits.perPeer());
    text(b, nowText);
    text(b, due);
    text(b, providerValue(addr, r.tcpPort(), NO_STAMP));
    b.put(r.meta());
    if (t != null) {
      text(b, ack);
      text(b, ttl);
      text(b, RedisReplies.PENDING);
      b.put(t.hash());
      text(b, t.token());
      text(b, t.field());
    }
    return b.array();
  }

  /**
   * An R as the one-step scripts take it: the peer's and the content's names, as text and as UTF-8,
   * the peer's address and TCP port, and the content's meta (its size and digest).
   */
  private record OneR(
      String peer, String content, byte[] p, byte[] addr, byte[] c, int tcpPort, byte[] meta) {}

  /**
   * What an R taken in one step ({@code register_all.lua} or {@code register_many.lua}) does with
   * the script's answer {@code status}: NEW and OLD acted (and stored {@code stored}, its A, as the
   * ticket's reply, when there is one); DEAD reaps the peer and takes the R again without the reply
   * key (the claim is made); the rest are refusals.
   */
  private CompletableFuture<Void> settle(
      String status, OneR r, long now, Object ticket, byte[] stored, boolean mayReap) {
    return switch (status) {
      case "NEW", "OLD" -> {
        acted(status, ticket, stored);
        yield done();
      }
      case "DEAD" ->
          mayReap
              ? reapPeer(r.p(), now).thenCompose(n -> inOneStep(r, now, null, false))
              : failed(inFlux());
      case "NAME_TAKEN" -> failed(nameTaken(r.p()));
      case "LIMIT" -> conflictOr(r.c(), r.meta(), r.content(), peerLimit());
      default -> failed(refusal(ErrorCode.valueOf(status), r.peer(), r.content()));
    };
  }

  /**
   * An R the script answered NEW or OLD: it acted. NEW adds a registration to this node's count;
   * {@code stored} (its A), when there is one, is the ticket's reply.
   */
  private void acted(String status, Object ticket, byte[] stored) {
    if (status.equals("NEW")) {
      totalEstimate.incrementAndGet();
    }
    if (stored != null) {
      ((RedisReplies.Ticket) ticket).stored(stored);
    }
  }

  /** An R of a batch, kept for {@link #registerMany}; {@code op} completes with its outcome. */
  private record Many(
      IndexMessage.Register request, InetAddress ip, RedisReplies.Ticket ticket, Recorded op) {}

  /**
   * The R of a receive batch that need wait for nothing before them, on a standalone store: all in
   * one script call ({@code register_many.lua}), each taken exactly as {@code register_all.lua}
   * would take it alone, in the batch's order. One EVALSHA and one round trip for the batch: the
   * script call's fixed cost in Redis (about as much as four calls from Lua) and this node's cost
   * per command are paid once, and each peer and content record is read and written once however
   * many of the batch's R it has. Taken one by one when the node's count does not say they all fit
   * (as {@link #roomForOne}) or there is only one.
   */
  private void registerMany(List<Many> group, long now) {
    long read = totalReadAt.get();
    if (group.size() >= 2
        && (read == Long.MIN_VALUE || now < read || now - read >= TOTAL_REFRESH_MILLIS)) {
      // the node's count is stale: read it first (one round trip, at most once a second), rather
      // than send the batch one by one
      readTotal()
          .whenComplete(
              (t, e) -> {
                if (e == null) {
                  totalEstimate.set(t);
                  totalReadAt.set(now);
                }
                registerManyCounted(group, now);
              });
      return;
    }
    registerManyCounted(group, now);
  }

  /**
   * Whether one {@code register_many.lua} call costs Redis less than the same R one script each:
   * when the batch has at least two R per peer on average. The script reads and writes each peer's
   * record once per call, which pays; its bookkeeping in Lua costs more than an R alone where a
   * peer has one R in the call (counted with bench/redis-lua-cost.sh, in docs/scaling.md).
   */
  private static boolean paysOff(int n, int peers) {
    return n >= 2 * peers;
  }

  /*
   * A batch's R path is split in small methods on purpose (run AE in docs/benchmarks.md): the
   * choice between one call and one by one, the packing of the call, the answer's common case
   * and its rare outcomes. As one method with its answer's handling, C2 compiled ~8 KB of inlined
   * code in 260-400 ms of CPU, and a branch seen for the first time (a batch that does not pay
   * off, an outcome other than NEW or OLD) made all of it not entrant and compiled it again.
   * Apart, such a branch recompiles only the small method it is in.
   */
  private void registerManyCounted(List<Many> group, long now) {
    int n = group.size();
    // the call's peers, each once: its keys and its name are given once for all of its R
    Map<PeerName, Integer> peerIndex = new HashMap<>();
    int[] peerOf = new int[n];
    for (int i = 0; i < n; i++) {
      PeerName peer = group.get(i).request().peer();
      Integer at = peerIndex.putIfAbsent(peer, peerIndex.size());
      peerOf[i] = at == null ? peerIndex.size() - 1 : at;
    }
    if (n < 2 || !roomFor(now, n) || !paysOff(n, peerIndex.size())) {
      oneByOne(group, now);
    } else {
      callMany(group, now, peerIndex.size(), peerOf);
    }
  }

  /** The R of {@code group} one by one, each peer's in the batch's order. */
  private void oneByOne(List<Many> group, long now) {
    Map<PeerName, CompletableFuture<Object>> behind = new HashMap<>();
    for (Many m : group) {
      CompletableFuture<Object> op =
          startAfter(behind.get(m.request().peer()), m.request(), m.ip(), now, m.ticket());
      behind.put(m.request().peer(), op);
      pipe(op, m.op());
    }
  }

  /**
   * The R of {@code group} (of {@code peerCount} peers, the i-th R's peer the {@code peerOf[i]}-th)
   * in one {@code register_many.lua} call.
   */
  private void callMany(List<Many> group, long now, int peerCount, int[] peerOf) {
    int n = group.size();
    byte[][] peerNames = new byte[peerCount][];
    byte[][] ps = new byte[n][];
    byte[][] cs = new byte[n][];
    byte[][] addrs = new byte[n][];
    byte[][] acks = new byte[n][];
    byte[][] metas = new byte[n][];
    byte[][] values = new byte[n][];
    byte[] stamp = num(now);
    byte[] until = num(now + leaseMillis);
    // per R its content hash (the script makes a queue's name from its hash's), then the time
    // buckets of R's replies
    byte[][] buckets = RedisReplies.buckets(now);
    byte[] ttl = RedisReplies.bucketTtl(now);
    // the argument's exact size
    int size =
        8
            + 8
            + 4
            + 1
            + stamp.length
            + 1
            + until.length
            + 1
            + ttl.length
            + 1
            + RedisReplies.PENDING.length
            + 2;
    for (int i = 0; i < n; i++) {
      Many m = group.get(i);
      IndexMessage.Register r = m.request();
      int at = peerOf[i];
      if (peerNames[at] == null) {
        byte[] p = utf8(r.peer().toString());
        peerNames[at] = p;
        size += 2 + p.length;
      }
      ps[i] = peerNames[at];
      cs[i] = utf8(r.content().toString());
      addrs[i] = m.ip().getAddress();
      // with the stamp a new registration gets (the script writes it whole)
      values[i] = providerValue(addrs[i], r.tcpPort(), stamp);
      metas[i] = meta(r.size(), r.digest());
      acks[i] = IndexCodec.encode(new IndexMessage.Ack(r.requestId(), leaseMillis / 1000));
      size +=
          2
              + 1
              + addrs[i].length
              + 2
              + cs[i].length
              + 1
              + values[i].length
              + metas[i].length
              + 1
              + 1
              + m.ticket().hash().length
              + acks[i].length
              + 1
              + m.ticket().token().length
              + 1
              + m.ticket().field().length;
      m.ticket().at(now);
    }
    int np = peerNames.length;
    byte[][] keys = new byte[1 + 3 * np + n + buckets.length][];
    System.arraycopy(buckets, 0, keys, 1 + 3 * np + n, buckets.length);
    keys[0] = Keys.NAMES;
    for (int j = 0; j < np; j++) {
      byte[][] pk = Keys.peerKeys(peerNames[j]);
      keys[1 + 3 * j] = pk[0];
      keys[2 + 3 * j] = pk[1];
      keys[3 + 3 * j] = pk[2];
    }
    // one argument for the whole call (its layout is in the script)
    byte[] arg = new byte[size];
    ByteBuffer b = ByteBuffer.wrap(arg);
    b.putLong(now).putLong(leaseMillis).putInt(limits.perPeer());
    text(b, stamp);
    text(b, until);
    text(b, ttl);
    text(b, RedisReplies.PENDING);
    b.putShort((short) np);
    for (byte[] p : peerNames) {
      b.putShort((short) p.length).put(p);
    }
    for (int i = 0; i < n; i++) {
      Many m = group.get(i);
      keys[1 + 3 * np + i] = Keys.contentHash(cs[i]);
      b.putShort((short) peerOf[i]);
      text(b, addrs[i]);
      b.putShort((short) cs[i].length).put(cs[i]);
      text(b, values[i]);
      b.put(metas[i]);
      // the claim an R that acts writes: 'D', the request hash, its A (once.lua's value)
      byte[] hash = m.ticket().hash();
      b.put((byte) (1 + hash.length + acks[i].length)).put((byte) 'D').put(hash).put(acks[i]);
    }
    // each R's field in the buckets, then the tokens, which the script reads only to turn a
    // claim back into a plain one
    for (int i = 0; i < n; i++) {
      text(b, group.get(i).ticket().field());
    }
    for (int i = 0; i < n; i++) {
      text(b, group.get(i).ticket().token());
    }
    if (b.hasRemaining()) {
      throw new IllegalStateException("packed " + b.position() + " of " + size + " bytes");
    }
    CompletableFuture<List<Object>> call;
    try {
      call = store.run(Script.REGISTER_MANY, ScriptOutputType.MULTI, keys, arg);
    } catch (RuntimeException e) {
      call = failed(e); // Lettuce refuses a command at once while it has no connection
    }
    call.whenComplete((r, e) -> answered(group, now, r, e, ps, addrs, cs, metas, acks));
  }

  /** What {@link #callMany}'s script answered ({@code r}, or {@code e}) for each R of the call. */
  private void answered(
      List<Many> group,
      long now,
      List<Object> r,
      Throwable e,
      byte[][] ps,
      byte[][] addrs,
      byte[][] cs,
      byte[][] metas,
      byte[][] acks) {
    int n = group.size();
    if (e != null) {
      for (Many m : group) {
        m.op().completeExceptionally(e);
      }
      return;
    }
    // one item for the whole call (NEW): every R acted as a new registration
    String all = r.size() == 1 ? text(r.get(0)) : null;
    for (int i = 0; i < n; i++) {
      String status = all != null ? all : text(r.get(2 * i));
      if (!actedInCall(group.get(i), status, acks[i])) {
        // some R did not simply act: the rest of the call's answer goes the general way
        answeredRest(group, now, r, all, i, ps, addrs, cs, metas, acks);
        return;
      }
    }
  }

  /**
   * Completes {@code m} when the call answered it NEW or OLD (it acted, its A {@code ack} stored by
   * the script: the common case, without settle's futures); false for any other answer.
   */
  private boolean actedInCall(Many m, String status, byte[] ack) {
    if (!status.equals("NEW") && !status.equals("OLD")) {
      return false;
    }
    acted(status, m.ticket(), ack);
    m.op().complete(null);
    return true;
  }

  /**
   * The answer of {@link #callMany}'s script for its R from the {@code from}-th on ({@code all}:
   * the one answer of every R, else null), the first of which did not answer NEW or OLD: DEAD,
   * LATER, DONE, WAIT or a refusal.
   */
  private void answeredRest(
      List<Many> group,
      long now,
      List<Object> r,
      String all,
      int from,
      byte[][] ps,
      byte[][] addrs,
      byte[][] cs,
      byte[][] metas,
      byte[][] acks) {
    // per peer, its R answered DEAD (being reaped and taken again) or LATER after it
    Map<PeerName, CompletableFuture<?>> behind = new HashMap<>();
    for (int i = from; i < group.size(); i++) {
      Many m = group.get(i);
      String status = all != null ? all : text(r.get(2 * i));
      if (actedInCall(m, status, acks[i])) {
        continue;
      }
      CompletableFuture<Void> outcome =
          switch (status) {
            case "DONE" -> failed(new AnsweredElsewhere((byte[]) r.get(2 * i + 1)));
            case "WAIT" -> failed(new AnsweredElsewhere(SharedReplies.IN_PROGRESS));
            // the script looked for a CONFLICT first, at the R's turn
            case "LIMIT" -> failed(peerLimit());
            case "LATER" -> {
              // an earlier R of the peer was DEAD: this one goes alone, after that one
              CompletableFuture<Object> later =
                  startAfter(behind.get(m.request().peer()), m.request(), m.ip(), now, m.ticket());
              behind.put(m.request().peer(), later);
              yield later.thenApply(x -> null);
            }
            default -> {
              IndexMessage.Register q = m.request();
              OneR one =
                  new OneR(
                      q.peer().toString(),
                      q.content().toString(),
                      ps[i],
                      addrs[i],
                      cs[i],
                      q.tcpPort(),
                      metas[i]);
              yield settle(status, one, now, m.ticket(), acks[i], true);
            }
          };
      if (status.equals("DEAD")) {
        behind.put(m.request().peer(), outcome);
      }
      pipe(outcome.thenApply(x -> null), m.op());
    }
  }

  /** {@code bytes} as the scripts' packed arguments take a short string: a u8 length, the bytes. */
  private static void text(ByteBuffer b, byte[] bytes) {
    b.put((byte) bytes.length).put(bytes);
  }

  private static void pipe(CompletableFuture<?> from, CompletableFuture<Object> to) {
    from.whenComplete(
        (v, e) -> {
          if (e != null) {
            to.completeExceptionally(e);
          } else {
            to.complete(v);
          }
        });
  }

  private static byte[] meta(long size, Digest digest) {
    byte[] meta = ByteBuffer.allocate(8 + Digest.LENGTH).putLong(size).array();
    digest.copyTo(meta, 8);
    return meta;
  }

  private static final byte[] NO_STAMP = {};

  /** How long a stored reply is kept, as {@link RedisReplies#remember} keeps it. */
  private static final byte[] KEEP = num(ReplyCache.LONG_KEEP_MILLIS);

  private static RegistryException inFlux() {
    return new RegistryException(ErrorCode.INTERNAL, "registration in flux");
  }

  private static RegistryException nameTaken(byte[] p) {
    return new RegistryException(
        ErrorCode.NAME_TAKEN, "peer name '" + str(p) + "' is in use from another address");
  }

  private RegistryException peerLimit() {
    return new RegistryException(
        ErrorCode.LIMIT, "a peer may hold " + limits.perPeer() + " registrations");
  }

  /** R, second step: the registration appears in its content; undone in the peer if refused. */
  private CompletableFuture<Void> addToContent(
      byte[] p,
      byte[] addr,
      byte[] c,
      int tcpPort,
      byte[] meta,
      Claim claimed,
      String peer,
      String content) {
    byte[] stamp = claimed.stamp();
    // Standalone: the content step lists the name itself (the listing is one more key of the
    // script), so Redis adds it after the provider, in the same atomic step, and the R costs no
    // command or round trip for it. Whatever the step answers, the content then has a provider
    // (a refusal means someone else's), so listing its name is right either way. On a cluster
    // the listing lives on a slot of its own: there it is a step of its own, after the content.
    boolean inStep = !store.isCluster();
    byte[][] keys =
        inStep
            ? new byte[][] {Keys.contentHash(c), Keys.queue(c), Keys.NAMES}
            : Keys.contentKeys(c);
    byte[][] args =
        inStep
            ? new byte[][] {p, providerValue(addr, tcpPort, stamp), meta, c}
            : new byte[][] {p, providerValue(addr, tcpPort, stamp), meta};
    CompletableFuture<List<Object>> step =
        store.run(Script.REGISTER, ScriptOutputType.MULTI, keys, args);
    return step.thenCompose(
        r -> {
          String status = text(r.get(0));
          if (status.equals("OK")) {
            if (claimed.isNew()) {
              totalEstimate.incrementAndGet();
            }
            return inStep ? done() : listed(c);
          }
          ErrorCode code = ErrorCode.valueOf(status);
          CompletableFuture<?> undo =
              claimed.isNew()
                  ? forget(p, List.of(c), List.of(stamp))
                  : code == ErrorCode.ALREADY_REGISTERED && !inStep
                      ? listed(c) // completes an R whose last step was lost
                      : done();
          return undo.thenCompose(y -> failed(refusal(code, peer, content)));
        });
  }

  private CompletableFuture<Void> conflictOr(
      byte[] c, byte[] meta, String content, RegistryException limit) {
    return redis
        .hget(Keys.contentHash(c), META)
        .toCompletableFuture()
        .thenCompose(
            m ->
                failed(
                    m != null && !Arrays.equals(m, meta)
                        ? refusal(ErrorCode.CONFLICT, "", content)
                        : limit));
  }

  private static <T> CompletableFuture<T> failed(Throwable t) {
    return CompletableFuture.failedFuture(t);
  }

  private record Claim(boolean isNew, byte[] stamp) {}

  /** R's first step; with a ticket, it claims the request first (see {@link #firstStep}). */
  private CompletableFuture<Claim> claim(
      byte[] p, byte[] addr, byte[] c, long now, boolean mayReap, Object ticket) {
    return firstStep(
            Script.CLAIM, Keys.peerKeys(p), ticket, now, p, addr, c, num(now), leaseArg, perPeerArg)
        .thenCompose(
            r -> {
              String status = text(r.get(0));
              return switch (status) {
                case "NEW", "OLD" ->
                    CompletableFuture.completedFuture(
                        new Claim(status.equals("NEW"), (byte[]) r.get(1)));
                case "DEAD" ->
                    mayReap
                        // the claim, if any, is made: the second look goes without it
                        ? reapPeer(p, now).thenCompose(n -> claim(p, addr, c, now, false, null))
                        : failed(inFlux());
                case "NAME_TAKEN" -> failed(nameTaken(p));
                default -> failed(peerLimit());
              };
            });
  }

  private static RegistryException refusal(ErrorCode code, String peer, String content) {
    return new RegistryException(
        code,
        code == ErrorCode.CONFLICT
            ? "'" + content + "' is provided with another size or digest"
            : "'" + peer + "' already provides '" + content + "'");
  }

  /** After a new claim (which the store's count already holds): LIMIT when the index is full. */
  private CompletableFuture<Void> checkTotal(long now) {
    CompletableFuture<Long> total =
        now - totalReadAt.get() >= TOTAL_REFRESH_MILLIS
                || now < totalReadAt.get()
                || totalReadAt.get() == Long.MIN_VALUE
                || totalEstimate.get() >= limits.total()
            ? readTotal()
                .thenApply(
                    t -> {
                      long others = t - 1; // the count includes the caller's own claim
                      totalEstimate.set(others);
                      totalReadAt.set(now);
                      return others;
                    })
            : CompletableFuture.completedFuture(totalEstimate.get());
    return total.thenCompose(
        t ->
            t >= limits.total()
                ? CompletableFuture.failedFuture(
                    new RegistryException(ErrorCode.LIMIT, "the index is full"))
                : done());
  }

  /** Registrations in all buckets (pending and dying ones included: they are few and short). */
  private CompletableFuture<Long> readTotal() {
    List<CompletableFuture<byte[]>> counts = new ArrayList<>(Keys.BUCKETS);
    for (int b = 0; b < Keys.BUCKETS; b++) {
      counts.add(redis.get(Keys.count(b)).toCompletableFuture());
    }
    return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
        .thenApply(x -> counts.stream().mapToLong(f -> parse(f.join())).sum());
  }

  // ---------------------------------------------------------------- T, Q, K

  private CompletableFuture<Void> deregisterStep(
      String peer, InetAddress ip, String content, Object ticket) {
    byte[] p = utf8(peer);
    byte[] c = utf8(content);
    return firstStep(Script.DEREGISTER, Keys.contentKeys(c), ticket, p, ip.getAddress())
        .thenCompose(
            r -> {
              String status = text(r.get(0));
              if (status.equals("NOT_FOUND")) {
                return CompletableFuture.failedFuture(
                    new RegistryException(
                        ErrorCode.NOT_FOUND, "nobody provides '" + content + "'"));
              }
              if (status.equals("NOT_OWNER")) {
                return CompletableFuture.failedFuture(
                    new RegistryException(
                        ErrorCode.NOT_OWNER,
                        "'" + content + "' is not registered by '" + peer + "' here"));
              }
              totalEstimate.decrementAndGet();
              CompletableFuture<?> unlisted = (Long) r.get(2) == 0 ? unlisted(c) : done();
              return forget(p, List.of(c), List.of((byte[]) r.get(1)))
                  .thenCombine(unlisted, (a, b) -> null);
            });
  }

  private CompletableFuture<Integer> quitStep(
      String peer, InetAddress ip, long now, Object ticket) {
    byte[] p = utf8(peer);
    return firstStep(Script.QUIT, Keys.peerKeys(p), ticket, p, ip.getAddress(), num(now))
        .thenCompose(tombs -> removeTombstones(p, tombs, 1));
  }

  /** K with a shared-reply ticket, as a batch starts it (tests look at the claim it leaves). */
  CompletableFuture<Void> keepaliveAsync(PeerName peer, InetAddress ip, long now, Object ticket) {
    return keepaliveStep(peer.toString(), ip, now, ticket);
  }

  private CompletableFuture<Void> keepaliveStep(
      String peer, InetAddress ip, long now, Object ticket) {
    byte[] p = utf8(peer);
    byte[] ack = null;
    byte[][] args;
    if (ticket instanceof RedisReplies.Ticket t) {
      // the A this K gets when it renews, stored by the script itself (see keepalive.lua)
      ack = IndexCodec.encode(new IndexMessage.Ack(t.requestId(), leaseMillis / 1000));
      args = new byte[][] {p, ip.getAddress(), num(now), leaseArg, ack, KEEP};
    } else {
      args = new byte[][] {p, ip.getAddress(), num(now), leaseArg};
    }
    byte[] stored = ack;
    return firstStep(Script.KEEPALIVE, Keys.peerKeys(p), ticket, args)
        .thenCompose(
            r -> {
              boolean found = text(r.get(0)).equals("OK");
              if (found && r.size() == 1 && stored != null) {
                ((RedisReplies.Ticket) ticket).stored(stored);
              }
              return removeTombstones(p, r, 1)
                  .thenCompose(
                      n ->
                          found
                              ? done()
                              : CompletableFuture.failedFuture(
                                  new RegistryException(
                                      ErrorCode.NOT_FOUND,
                                      "'" + peer + "' has no registration from this address")));
            });
  }

  /**
   * The first step of R, T, Q or K. With a {@link RedisReplies.Ticket}, the script claims the
   * request in the shared replies before it acts ({@code once.lua}: the reply key is tagged into
   * the step's slot), so acting once across nodes costs no round trip of its own; a request another
   * node answered or is still at fails the step with {@link AnsweredElsewhere}, having done
   * nothing.
   */
  CompletableFuture<List<Object>> firstStep(
      Script script, byte[][] keys, Object ticket, byte[]... args) {
    return firstStep(script, keys, ticket, Long.MIN_VALUE, args);
  }

  /**
   * {@link #firstStep} at {@code now}, which an R's claim in the time buckets of a standalone store
   * needs ({@link RedisReplies}).
   */
  private CompletableFuture<List<Object>> firstStep(
      Script script, byte[][] keys, Object ticket, long now, byte[]... args) {
    if (ticket == null) {
      return store.run(script, ScriptOutputType.MULTI, keys, args);
    }
    RedisReplies.Ticket t = (RedisReplies.Ticket) ticket;
    byte[][] k;
    byte[][] a;
    if (t.inBuckets()) {
      // an R on a standalone store: its claim in the time buckets (once.lua)
      if (now == Long.MIN_VALUE) {
        throw new IllegalArgumentException("an R's claim in time buckets needs the step's time");
      }
      t.at(now);
      byte[][] buckets = RedisReplies.buckets(now);
      k = Arrays.copyOf(keys, keys.length + buckets.length);
      System.arraycopy(buckets, 0, k, keys.length, buckets.length);
      a = Arrays.copyOf(args, args.length + 6);
      a[args.length + 3] = t.field();
      a[args.length + 4] = num(now);
      a[args.length + 5] = RedisReplies.bucketTtl(now);
    } else {
      k = Arrays.copyOf(keys, keys.length + 1);
      k[keys.length] = t.key();
      a = Arrays.copyOf(args, args.length + 3);
    }
    a[args.length] = t.hash();
    a[args.length + 1] = t.token();
    a[args.length + 2] = RedisReplies.PENDING;
    return store
        .<List<Object>>run(script, ScriptOutputType.MULTI, k, a)
        .thenCompose(
            r ->
                switch (text(r.get(0))) {
                  case "DONE" -> failed(new AnsweredElsewhere((byte[]) r.get(1)));
                  case "WAIT" -> failed(new AnsweredElsewhere(SharedReplies.IN_PROGRESS));
                  default -> CompletableFuture.completedFuture(r);
                });
  }

  /** A first step's claim found its request answered by another node: that node's reply. */
  static final class AnsweredElsewhere extends RuntimeException {
    @java.io.Serial private static final long serialVersionUID = 1L;

    final transient byte[] reply;

    AnsweredElsewhere(byte[] reply) {
      super(null, null, false, false);
      this.reply = reply;
    }
  }

  // ---------------------------------------------------------------- S, O

  private CompletableFuture<Located> locateStep(String content, int max) {
    byte[] c = utf8(content);
    return store
        .<List<Object>>run(Script.LOCATE, ScriptOutputType.MULTI, Keys.contentKeys(c), num(max))
        .thenCompose(
            r -> {
              if (text(r.get(0)).equals("NOT_FOUND")) {
                return CompletableFuture.failedFuture(
                    new RegistryException(
                        ErrorCode.NOT_FOUND, "nobody provides '" + content + "'"));
              }
              ByteBuffer meta = ByteBuffer.wrap((byte[]) r.get(1));
              long size = meta.getLong();
              Digest digest = Digest.of(meta.array(), 8);
              List<Provider> providers = new ArrayList<>((r.size() - 2) / 2);
              for (int i = 2; i + 1 < r.size(); i += 2) {
                byte[] v = (byte[]) r.get(i + 1);
                if (v != null) {
                  providers.add(provider(str((byte[]) r.get(i)), v));
                }
              }
              return CompletableFuture.completedFuture(new Located(size, digest, providers));
            });
  }

  private CompletableFuture<Page> listStep(
      String after, String filter, int maxBytes, int maxEntries) {
    byte[] f = utf8(lowerAscii(filter));
    return listFrom(utf8(after), f, maxBytes, maxEntries, new ArrayList<>());
  }

  private CompletableFuture<Page> listFrom(
      byte[] after, byte[] filter, int room, int maxEntries, List<ListingEntry> entries) {
    return store
        .<List<Object>>run(
            Script.LIST,
            ScriptOutputType.MULTI,
            new byte[][] {Keys.NAMES},
            after,
            filter,
            num(room),
            num(maxEntries - entries.size()),
            num(LIST_SCAN_BUDGET))
        .thenCompose(
            r -> {
              long status = (Long) r.get(0);
              byte[] cursor = (byte[]) r.get(1);
              List<byte[]> names = new ArrayList<>();
              for (int i = 2; i < r.size(); i++) {
                names.add((byte[]) r.get(i));
              }
              return entries(names)
                  .thenCompose(
                      found -> {
                        int left = room;
                        boolean stale = false;
                        for (ListingEntry e : found) {
                          if (e == STALE) {
                            stale = true; // listed, but its last provider just left: skip it
                          } else {
                            entries.add(e);
                            left -= e.wireSize();
                          }
                        }
                        if (status == 0 || (status == 1 && !stale)) {
                          return CompletableFuture.completedFuture(new Page(entries, status == 1));
                        }
                        byte[] next = status == 2 || names.isEmpty() ? cursor : names.getLast();
                        return listFrom(next, filter, left, maxEntries, entries);
                      });
            });
  }

  /**
   * The providers of a content hash of {@code fields} fields, seen outside a script: two fields are
   * the meta and one provider (no counter before the second: content.lua); more, the meta, the
   * counter and the providers; none, no content.
   */
  private static long providers(long fields) {
    return fields == 2 ? 1 : Math.max(0, fields - CONTENT_RESERVED);
  }

  /** Size and provider count of each name, read from the contents; STALE for an empty one. */
  private CompletableFuture<List<ListingEntry>> entries(List<byte[]> names) {
    List<CompletableFuture<byte[]>> metas = new ArrayList<>(names.size());
    List<CompletableFuture<Long>> counts = new ArrayList<>(names.size());
    for (byte[] n : names) {
      metas.add(redis.hget(Keys.contentHash(n), META).toCompletableFuture());
      // providers: the hash's fields but the meta and the counter, which a content with one
      // provider may not have (content.lua: it has no queue to count either)
      counts.add(redis.hlen(Keys.contentHash(n)).toCompletableFuture());
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[names.size() * 2];
    for (int i = 0; i < names.size(); i++) {
      all[2 * i] = metas.get(i);
      all[2 * i + 1] = counts.get(i);
    }
    return CompletableFuture.allOf(all)
        .thenApply(
            x -> {
              List<ListingEntry> out = new ArrayList<>(names.size());
              for (int i = 0; i < names.size(); i++) {
                byte[] meta = metas.get(i).join();
                long count = providers(counts.get(i).join());
                out.add(
                    meta == null || count == 0
                        ? STALE
                        : new ListingEntry(
                            ContentName.of(str(names.get(i))),
                            (int) Math.min(count, 0xffff),
                            ByteBuffer.wrap(meta).getLong()));
              }
              return out;
            });
  }

  // ---------------------------------------------------------------- expiry

  /**
   * Sweeps every bucket's due leases, and on a standalone store drops the time bucket of R's
   * replies no step reads any more ({@link #dropUnreadReplies}); returns how many registrations
   * this call removed.
   */
  public CompletableFuture<Integer> expireAsync(long now) {
    List<CompletableFuture<Integer>> buckets = new ArrayList<>(Keys.BUCKETS);
    for (int b = 0; b < Keys.BUCKETS; b++) {
      buckets.add(sweepBucket(b, now));
    }
    CompletableFuture<?> dropped = dropUnreadReplies(now);
    return CompletableFuture.allOf(buckets.toArray(CompletableFuture[]::new))
        .thenCombine(dropped, (x, y) -> buckets.stream().mapToInt(CompletableFuture::join).sum());
  }

  /**
   * On a standalone store, {@code UNLINK}s the time bucket of R's replies that no step reads any
   * more ({@link RedisReplies#unread}), once per bucket per node (again after a failure). A bucket
   * of a busy store is a hash of up to a million fields: its expiry would free it in Redis's main
   * thread (~0.6 s at 1,000,000 fields, over the commands' timeout) unless {@code
   * lazyfree-lazy-expire} is on, while {@code UNLINK} always frees it in the background. Its expiry
   * comes a bucket's width later ({@link RedisReplies#bucketTtl}): the backstop of a store no node
   * sweeps.
   */
  private CompletableFuture<?> dropUnreadReplies(long now) {
    if (store.isCluster()) {
      return done();
    }
    long bucket = RedisReplies.unread(now);
    long last = droppedReplies.get();
    if (last >= bucket || !droppedReplies.compareAndSet(last, bucket)) {
      return done(); // dropped already, or another sweep of this node is dropping it
    }
    return redis
        .unlink(Keys.claims(bucket))
        .toCompletableFuture()
        .whenComplete(
            (n, e) -> {
              if (e != null) {
                droppedReplies.compareAndSet(bucket, last); // the next sweep tries again
              }
            });
  }

  private CompletableFuture<Integer> sweepBucket(int bucket, long now) {
    return redis
        .zrangebyscore(
            Keys.leases(bucket),
            Range.from(Range.Boundary.unbounded(), Range.Boundary.including((double) now)),
            Limit.create(0, SWEEP_BATCH))
        .toCompletableFuture()
        .thenCompose(
            due -> {
              List<CompletableFuture<Integer>> peers = new ArrayList<>(due.size());
              for (byte[] p : due) {
                peers.add(reapPeer(p, now));
              }
              CompletableFuture<Integer> sum =
                  CompletableFuture.allOf(peers.toArray(CompletableFuture[]::new))
                      .thenApply(x -> peers.stream().mapToInt(CompletableFuture::join).sum());
              // a full batch may leave more due peers behind it: go on until one is not full
              return due.size() < SWEEP_BATCH
                  ? sum
                  : sum.thenCombine(sweepBucket(bucket, now), Integer::sum);
            });
  }

  private CompletableFuture<Integer> reapPeer(byte[] p, long now) {
    return store
        .<List<Object>>run(
            Script.DUE, ScriptOutputType.MULTI, Keys.peerKeys(p), p, num(now), leaseArg)
        .thenCompose(tombs -> removeTombstones(p, tombs, 0));
  }

  /**
   * Removes the tombstones listed in {@code r} from {@code from} on (content, stamp pairs): each
   * from its content first, then from the peer; returns how many were still in a content.
   */
  private CompletableFuture<Integer> removeTombstones(byte[] p, List<Object> r, int from) {
    if (r.size() <= from) {
      return CompletableFuture.completedFuture(0);
    }
    List<byte[]> contents = new ArrayList<>();
    List<byte[]> stamps = new ArrayList<>();
    List<CompletableFuture<Integer>> drops = new ArrayList<>();
    for (int i = from; i + 1 < r.size(); i += 2) {
      byte[] c = (byte[]) r.get(i);
      byte[] stamp = (byte[]) r.get(i + 1);
      contents.add(c);
      stamps.add(stamp);
      drops.add(
          store
              .<List<Object>>run(Script.DROP, ScriptOutputType.MULTI, Keys.contentKeys(c), p, stamp)
              .thenCompose(
                  d -> {
                    int removed = ((Long) d.get(0)).intValue();
                    return removed == 1 && (Long) d.get(1) == 0
                        ? unlisted(c).thenApply(x -> removed)
                        : CompletableFuture.completedFuture(removed);
                  }));
    }
    return CompletableFuture.allOf(drops.toArray(CompletableFuture[]::new))
        .thenCompose(x -> forget(p, contents, stamps))
        .thenApply(
            x -> {
              int n = drops.stream().mapToInt(CompletableFuture::join).sum();
              totalEstimate.addAndGet(-n);
              return n;
            });
  }

  private CompletableFuture<Long> forget(byte[] p, List<byte[]> contents, List<byte[]> stamps) {
    byte[][] args = new byte[1 + 2 * contents.size()][];
    args[0] = p;
    for (int i = 0; i < contents.size(); i++) {
      args[1 + 2 * i] = contents.get(i);
      args[2 + 2 * i] = stamps.get(i);
    }
    return store.run(Script.FORGET, ScriptOutputType.INTEGER, Keys.peerKeys(p), args);
  }

  /** The listing gets a name once it has a provider (idempotent). */
  private CompletableFuture<Void> listed(byte[] c) {
    return store.zaddZero(Keys.NAMES, c).thenApply(x -> null);
  }

  /**
   * The listing loses a name whose last provider left; then the content is looked at again, and a
   * provider that came meanwhile (whose own {@link #listed} may have come before the removal) puts
   * the name back. So a name with providers is always listed once both steps are done.
   */
  private CompletableFuture<Void> unlisted(byte[] c) {
    return redis
        .zrem(Keys.NAMES, c)
        .toCompletableFuture()
        .thenCompose(x -> redis.exists(Keys.contentHash(c)).toCompletableFuture())
        .thenCompose(n -> n > 0 ? listed(c) : done());
  }

  private CompletableFuture<Integer> sweepIfDue(long now) {
    long last = lastSweep.get();
    boolean due = last == Long.MIN_VALUE || now < last || now - last >= sweepInterval;
    if (!due || !lastSweep.compareAndSet(last, now)) {
      return CompletableFuture.completedFuture(0);
    }
    return expireAsync(now);
  }

  // ---------------------------------------------------------------- batches

  /**
   * One request's operation, started at once: the outcome is null for R, T, Q and K, a {@link
   * Located} for S, a {@link Page} for O; a refusal fails the future with its {@link
   * RegistryException}. No sweep first: the caller decides.
   */
  private CompletableFuture<Object> start(
      IndexMessage.Request request, InetAddress ip, long now, Object ticket) {
    return switch (request) {
      case IndexMessage.Register r ->
          registerStep(
                  r.peer().toString(),
                  ip,
                  r.content().toString(),
                  r.tcpPort(),
                  r.size(),
                  r.digest(),
                  now,
                  ticket)
              .thenApply(x -> null);
      case IndexMessage.Deregister t ->
          deregisterStep(t.peer().toString(), ip, t.content().toString(), ticket)
              .thenApply(x -> null);
      case IndexMessage.Quit q ->
          quitStep(q.peer().toString(), ip, now, ticket).thenApply(x -> null);
      case IndexMessage.Keepalive k ->
          keepaliveStep(k.peer().toString(), ip, now, ticket).thenApply(x -> null);
      case IndexMessage.Locate l -> locateStep(l.content().toString(), l.max()).thenApply(x -> x);
      case IndexMessage.ListRequest o ->
          listStep(o.after(), o.filter(), LISTING_ROOM, LISTING_MAX_ENTRIES).thenApply(x -> x);
      case IndexMessage.Hello h -> failed(new IllegalArgumentException("H needs no registry"));
    };
  }

  /** The outcome slot of a request whose operation completed without a result (R, T, Q, K). */
  private static final Object DONE_OUTCOME = new Object();

  private static final Object TIMED_OUT = new Object();

  /**
   * The whole batch in one go: every request's first script is written before any answer is read,
   * so Lettuce sends the batch back to back on its connection (one per cluster master) and the
   * batch costs the round trips of its longest operation (R: two, three on a cluster; T, Q, K: one
   * to three; a mutation's shared-reply claim rides in its first script), not a few per request.
   * The stage completes when every outcome is in, or after {@link RedisStore#operationTimeout} with
   * {@code INTERNAL} for what is not.
   *
   * <p>Order: the requests of one peer name take effect in the batch's order (an R or T waits for
   * the earlier R or T of the same content and for an earlier Q or K; a Q or K waits for all
   * earlier requests of the name). Requests of different peers run side by side, as they do when
   * they reach different nodes; each step is atomic in the store, so none sees half of another.
   */
  @Override
  public CompletionStage<Void> apply(RegistryBatch batch, long now) {
    int n = batch.size();
    AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(n);
    Countdown all = new Countdown(n);
    // exact expiry (a test's stopped clock) sweeps first; a server sweeps between batches instead
    CompletableFuture<?> swept = sweepInterval == 0 ? expireAsync(now) : done();
    Map<PeerName, List<CompletableFuture<?>>> everything = new HashMap<>();
    Map<PeerName, CompletableFuture<?>> lastWide = new HashMap<>();
    Map<List<Object>, CompletableFuture<?>> lastOnContent = new HashMap<>();
    List<Many> group = store.isCluster() ? null : new ArrayList<>();
    store.gather();
    try {
      startAll(batch, now, results, all, swept, everything, lastWide, lastOnContent, group);
      if (group != null && !group.isEmpty()) {
        if (swept.isDone()) {
          registerMany(group, now);
        } else {
          swept.handle((x, e) -> null).thenRun(() -> registerMany(group, now));
        }
      }
    } finally {
      store.sendGathered();
    }
    return store.completeOnTimeout(all, null).thenRun(() -> record(batch, results));
  }

  private void startAll(
      RegistryBatch batch,
      long now,
      AtomicReferenceArray<Object> results,
      Countdown all,
      CompletableFuture<?> swept,
      Map<PeerName, List<CompletableFuture<?>>> everything,
      Map<PeerName, CompletableFuture<?>> lastWide,
      Map<List<Object>, CompletableFuture<?>> lastOnContent,
      List<Many> group) {
    int n = batch.size();
    for (int i = 0; i < n; i++) {
      IndexMessage.Request request = batch.request(i);
      InetAddress ip = batch.source(i);
      Object ticket = batch.ticket(i);
      CompletableFuture<?> after = swept;
      PeerName peer = null;
      List<Object> onContent = null;
      boolean wide = false;
      switch (request) {
        case IndexMessage.Register r -> {
          peer = r.peer();
          onContent = List.of(peer, r.content());
        }
        case IndexMessage.Deregister t -> {
          peer = t.peer();
          onContent = List.of(peer, t.content());
        }
        case IndexMessage.Quit q -> {
          peer = q.peer();
          wide = true;
        }
        case IndexMessage.Keepalive k -> {
          peer = k.peer();
          wide = true;
        }
        default -> {}
      }
      // what this request waits for in the batch (each looked up once)
      CompletableFuture<?> lastWideOfPeer = null;
      CompletableFuture<?> lastOnThis = null;
      if (peer != null) {
        if (wide) {
          after = both(after, allOf(everything.get(peer)));
        } else {
          lastWideOfPeer = lastWide.get(peer);
          lastOnThis = lastOnContent.get(onContent);
          after = both(both(after, lastWideOfPeer), lastOnThis);
        }
      }
      int at = i;
      CompletableFuture<?> recorded;
      if (group != null
          && request instanceof IndexMessage.Register r
          && ticket instanceof RedisReplies.Ticket t
          && lastWideOfPeer == null
          && lastOnThis == null) {
        // waits for nothing of this batch (but the sweep): goes with the batch's other such R; its
        // future records its outcome as it completes, so what waits for it needs no stage of its
        // own
        Recorded op = new Recorded(at, results, all);
        group.add(new Many(r, ip, t, op));
        recorded = op;
      } else {
        recorded =
            startAfter(after, request, ip, now, ticket)
                .handle(
                    (v, e) -> {
                      record(at, results, all, v, e);
                      return null;
                    });
      }
      if (peer != null) {
        // what a later Q or K of the peer waits for: a Q or K ends after everything before it
        List<CompletableFuture<?>> earlier = everything.get(peer);
        if (earlier == null || wide) {
          earlier = new ArrayList<>(4);
          everything.put(peer, earlier);
        }
        earlier.add(recorded);
        if (wide) {
          lastWide.put(peer, recorded);
        } else {
          lastOnContent.put(onContent, recorded);
        }
      }
    }
  }

  /** Request {@code at}'s outcome into {@code results}, counted down in {@code all}. */
  private static void record(
      int at, AtomicReferenceArray<Object> results, Countdown all, Object v, Throwable e) {
    results.compareAndSet(at, null, e == null ? (v == null ? DONE_OUTCOME : v) : e);
    all.one();
  }

  /**
   * A batch's R that goes in {@link #registerMany}: records its outcome in the batch's results
   * before it completes (as a {@code handle} stage on it would, without one per R). It is only ever
   * completed through {@link #complete} and {@link #completeExceptionally}; what waits for it (a
   * later request of the batch for the same peer) takes it however it ended, as {@link #startAfter}
   * does.
   */
  private static final class Recorded extends CompletableFuture<Object> {
    private final int at;
    private final AtomicReferenceArray<Object> results;
    private final Countdown all;

    Recorded(int at, AtomicReferenceArray<Object> results, Countdown all) {
      this.at = at;
      this.results = results;
      this.all = all;
    }

    @Override
    public boolean complete(Object value) {
      if (isDone()) {
        return false;
      }
      record(at, results, all, value, null);
      return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable e) {
      if (isDone()) {
        return false;
      }
      record(at, results, all, null, e);
      return super.completeExceptionally(e);
    }
  }

  /**
   * Completes once {@link #one} has been called as many times as it was made with: a batch's
   * requests each count themselves as they end, instead of an {@code allOf} over their futures (a
   * tree of n - 1 more futures completed on Lettuce's thread when the batch's answer comes).
   */
  private static final class Countdown extends CompletableFuture<Void> {
    private final AtomicInteger left;

    Countdown(int n) {
      left = new AtomicInteger(n);
      if (n == 0) {
        complete(null);
      }
    }

    void one() {
      if (left.decrementAndGet() == 0) {
        complete(null);
      }
    }
  }

  /**
   * Starts {@code request} once {@code before} (null: nothing) is over, however it ended; at once
   * when it is already over without a failure.
   */
  private CompletableFuture<Object> startAfter(
      CompletableFuture<?> before,
      IndexMessage.Request request,
      InetAddress ip,
      long now,
      Object ticket) {
    if (before == null || before.isDone() && !before.isCompletedExceptionally()) {
      return startCaught(request, ip, now, ticket);
    }
    return before.handle((x, e) -> null).thenCompose(x -> startCaught(request, ip, now, ticket));
  }

  private CompletableFuture<Object> startCaught(
      IndexMessage.Request request, InetAddress ip, long now, Object ticket) {
    try {
      return start(request, ip, now, ticket);
    } catch (RuntimeException e) {
      return failed(e); // Lettuce refuses a command at once while it has no connection
    }
  }

  /**
   * All of {@code fs} over (null: nothing to wait for); built only when a Q or K waits for them,
   * not one {@code allOf} per request.
   */
  private static CompletableFuture<?> allOf(List<CompletableFuture<?>> fs) {
    if (fs == null) {
      return null;
    }
    return fs.size() == 1
        ? fs.getFirst()
        : CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
  }

  private static CompletableFuture<?> both(CompletableFuture<?> a, CompletableFuture<?> b) {
    if (b == null || b == a) {
      return a;
    }
    if (a == null || a.isDone()) {
      return b;
    }
    return CompletableFuture.allOf(a, b);
  }

  /**
   * Copies the outcomes into the batch, on one thread: a store failure or a timeout is INTERNAL.
   */
  private void record(RegistryBatch batch, AtomicReferenceArray<Object> results) {
    RuntimeException storeFailure = null;
    for (int i = 0; i < batch.size(); i++) {
      results.compareAndSet(i, null, TIMED_OUT);
      Object r = results.get(i);
      Throwable t = r instanceof Throwable e ? RedisStore.unwrap(e) : null;
      if (r == DONE_OUTCOME) {
        batch.done(i);
      } else if (r instanceof Located l) {
        batch.located(i, l);
      } else if (r instanceof Page p) {
        batch.listed(i, p);
      } else if (t instanceof RegistryException refusal) {
        batch.refuse(i, refusal);
      } else if (t instanceof AnsweredElsewhere a) {
        batch.answeredElsewhere(i, a.reply);
      } else {
        if (r == TIMED_OUT) {
          storeFailure =
              new StoreException(
                  "the store did not answer within " + store.operationTimeout(), null);
        } else {
          storeFailure = RedisStore.failure(t);
        }
        batch.refuse(i, new RegistryException(ErrorCode.INTERNAL, "the index store failed"));
      }
    }
    store.noteOutcome(storeFailure);
  }

  // ---------------------------------------------------------------- Registry

  @Override
  public void register(
      PeerName peer,
      InetAddress ip,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest,
      long now)
      throws RegistryException {
    sync(registerAsync(peer, ip, content, tcpPort, size, digest, now));
  }

  @Override
  public void deregister(PeerName peer, InetAddress ip, ContentName content, long now)
      throws RegistryException {
    sync(
        sweepIfDue(now)
            .thenCompose(x -> deregisterStep(peer.toString(), ip, content.toString(), null)));
  }

  @Override
  public int quit(PeerName peer, InetAddress ip, long now) {
    return unchecked(sweepIfDue(now).thenCompose(x -> quitStep(peer.toString(), ip, now, null)));
  }

  @Override
  public void keepalive(PeerName peer, InetAddress ip, long now) throws RegistryException {
    sync(sweepIfDue(now).thenCompose(x -> keepaliveStep(peer.toString(), ip, now, null)));
  }

  @Override
  public Located locate(ContentName content, int max, long now) throws RegistryException {
    return sync(sweepIfDue(now).thenCompose(x -> locateStep(content.toString(), max)));
  }

  @Override
  public Page list(String after, String filter, int maxBytes, int maxEntries, long now) {
    return unchecked(
        sweepIfDue(now).thenCompose(x -> listStep(after, filter, maxBytes, maxEntries)));
  }

  /**
   * Sweeps every due lease and waits for it ({@code max} is not a bound here: see {@link #sweep}).
   */
  @Override
  public int expire(long now, int max) {
    lastSweep.set(now);
    return unchecked(expireAsync(now));
  }

  /**
   * Starts a sweep when the last one is the sweep interval old; never waits, returns 0. With an
   * interval of 0 every batch sweeps first anyway, so nothing is started here.
   */
  @Override
  public int sweep(long now, int max) {
    if (sweepInterval == 0) {
      return 0;
    }
    try {
      sweepIfDue(now)
          .whenComplete(
              (n, e) -> {
                if (e != null) {
                  store.noteOutcome(RedisStore.failure(e));
                }
              });
    } catch (RuntimeException e) {
      store.noteOutcome(RedisStore.failure(e));
    }
    return 0;
  }

  @Override
  public int size() {
    return (int) Math.min(Integer.MAX_VALUE, unchecked(readTotal()));
  }

  /**
   * Registrations only: contents and peers would take a walk over the store, which a scrape must
   * not start. All unknown (-1) while the store does not answer.
   */
  @Override
  public Counts counts() {
    try {
      return new Counts(size(), -1, -1);
    } catch (RuntimeException e) {
      return new Counts(-1, -1, -1);
    }
  }

  /** Empty while the store answers a PING within the operation timeout; else why not. */
  @Override
  public Optional<String> problem() {
    try {
      store.await(store.commands().ping().toCompletableFuture());
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of("the store " + store.url() + " does not answer: " + RedisStore.reason(e));
    }
  }

  /** The store's URL, its password hidden. */
  @Override
  public String describe() {
    return store.url().toString();
  }

  @Override
  public long leaseMillis() {
    return leaseMillis;
  }

  /** Waits for an operation; a refusal comes out as itself, a store failure as unchecked. */
  private <T> T sync(CompletableFuture<T> f) throws RegistryException {
    try {
      T t = f.get(store.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
      store.noteOutcome(null);
      return t;
    } catch (ExecutionException e) {
      Throwable cause = RedisStore.unwrap(e);
      if (cause instanceof RegistryException r) {
        store.noteOutcome(null);
        throw r;
      }
      RuntimeException failure = RedisStore.failure(cause);
      store.noteOutcome(failure);
      throw failure;
    } catch (TimeoutException e) {
      f.cancel(false);
      StoreException failure =
          new StoreException("the store did not answer within " + store.operationTimeout(), e);
      store.noteOutcome(failure);
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for the store", e);
    }
  }

  private <T> T unchecked(CompletableFuture<T> f) {
    try {
      return sync(f);
    } catch (RegistryException e) {
      throw new IllegalStateException("not a refusal: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- encoding

  /** u16 port, u8 address length, the address, then the stamp (ASCII decimal milliseconds). */
  private static byte[] providerValue(byte[] addr, int port, byte[] stamp) {
    byte[] v = new byte[3 + addr.length + stamp.length];
    v[0] = (byte) (port >>> 8);
    v[1] = (byte) port;
    v[2] = (byte) addr.length;
    System.arraycopy(addr, 0, v, 3, addr.length);
    System.arraycopy(stamp, 0, v, 3 + addr.length, stamp.length);
    return v;
  }

  private static Provider provider(String peer, byte[] v) {
    int port = ((v[0] & 0xff) << 8) | (v[1] & 0xff);
    int len = v[2] & 0xff;
    try {
      return new Provider(
          PeerName.of(peer), InetAddress.getByAddress(Arrays.copyOfRange(v, 3, 3 + len)), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("corrupt provider entry for '" + peer + "'", e);
    }
  }

  static String lowerAscii(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      b.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch);
    }
    return b.toString();
  }

  private static <T> CompletableFuture<T> done() {
    return CompletableFuture.completedFuture(null);
  }

  private static byte[] num(long n) {
    return Keys.ascii(Long.toString(n));
  }

  private static long parse(byte[] b) {
    return b == null ? 0 : Long.parseLong(new String(b, StandardCharsets.US_ASCII));
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(o);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
