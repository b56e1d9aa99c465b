package io.peershare.index.redis;

import io.lettuce.core.ScriptOutputType;
import io.peershare.index.ReplyCache;
import io.peershare.index.SharedReplies;
import io.peershare.protocol.Digest;
import io.peershare.protocol.IndexMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mutation replies in the store: key {@code ps:r}, a hash tag, then source address, port and
 * request id; value the state, a SHA-256 of the request bytes (so a different datagram reusing the
 * id is told apart) and the reply. The tag is that of the slot the request's first step runs on
 * (the peer's bucket for R, Q and K, the content for T), so {@link RedisRegistry} claims the
 * request inside that step ({@code once.lua}): on a cluster too, one script, one round trip. A
 * claim holds {@link #PENDING_MILLIS}, long enough for any one operation and short enough that a
 * node dying mid-way does not block a client's retries for long.
 *
 * <p>A claim carries a token of its own (this node's random prefix and a counter), and a node
 * releases only a claim still holding its token ({@code release.lua}): a claim that ran out while
 * its node was slow may have been taken by another node since, and that one must stand.
 *
 * <p>On a standalone store the replies of R are not a key each but fields of a few hashes, one per
 * time bucket of {@link #BUCKET_MILLIS} ({@link Keys#claims}): field the source address, port and
 * request id, value as a key's, but a plain claim ends with its deadline, as a field has no expiry
 * of its own ({@code once.lua}). A reply is kept {@link ReplyCache#LONG_KEEP_MILLIS} at least: a
 * bucket is dropped whole by the nodes' lease sweeps with {@code UNLINK} a reply's keep and a
 * bucket's width after its end ({@link #unread}), or expires a bucket's width later still when no
 * node sweeps ({@link #bucketTtl}); a step reads the three buckets a reply kept that long can be
 * in, newest first, with one HMGET each for all of a batch's R, and writes their claims with one
 * HSET (run X in docs/benchmarks.md: in replays, Redis's CPU per batch R 12-14 % lower than with a
 * key, an expiry entry and a SET each).
 */
public final class RedisReplies implements SharedReplies {
  public static final long PENDING_MILLIS = 3_000;

  static final byte[] PENDING = Keys.ascii(Long.toString(PENDING_MILLIS));

  /** The width of a time bucket of R's replies on a standalone store: half a reply's keep. */
  public static final long BUCKET_MILLIS = ReplyCache.LONG_KEEP_MILLIS / 2;

  /** How many buckets a reply kept {@link ReplyCache#LONG_KEEP_MILLIS} can be in at one time. */
  public static final int BUCKETS = (int) (ReplyCache.LONG_KEEP_MILLIS / BUCKET_MILLIS) + 1;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One SHA-256 engine per thread that makes tickets (a node's socket threads): {@code
   * MessageDigest.getInstance} per mutation was 1.2 % of a three-node R run's JVM samples, the
   * hashing itself about as much again.
   */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Digest::newSha256);

  private final RedisStore store;
  private final long node = RANDOM.nextLong();
  private final AtomicLong claims = new AtomicLong();

  public RedisReplies(RedisStore store) {
    this.store = store;
  }

  /** The time bucket of R's replies that {@code now} (ms) falls in: N of {@code ps:rb:N}. */
  static long bucket(long now) {
    return Math.floorDiv(now, BUCKET_MILLIS);
  }

  /**
   * The buckets of R's replies a step at {@code now} reads, newest first: the one {@code now} falls
   * in, which the step writes, and those before it that a reply made within a keep can be in.
   */
  static byte[][] buckets(long now) {
    long b = bucket(now);
    byte[][] keys = new byte[BUCKETS][];
    for (int i = 0; i < BUCKETS; i++) {
      keys[i] = Keys.claims(b - i);
    }
    return keys;
  }

  /**
   * The newest bucket no step reads any more at {@code now}, even on a node whose clock is up to a
   * bucket's width behind: the one before the {@link #BUCKETS} a step at {@code now} reads, and one
   * more as a margin for the skew. The lease sweep of every node drops it ({@code UNLINK}, freed in
   * Redis's background thread whatever its lazyfree settings) once per bucket ({@link
   * RedisRegistry#expireAsync}).
   */
  static long unread(long now) {
    return bucket(now) - BUCKETS - 1;
  }

  /**
   * How long from {@code now} the bucket {@code now} falls in is kept (ms, decimal): a reply's keep
   * after the bucket's end, so every reply in it is kept that long at least, and two bucket widths
   * more: the first is the margin of {@link #unread}, the second the whole bucket during which the
   * sweeps drop it with {@code UNLINK}, so this expiry is only the backstop of a store no node
   * sweeps (a big hash expiring is freed in Redis's main thread unless {@code lazyfree-lazy-expire}
   * is on). Set by the bucket's first write only (PEXPIRE NX); from the writer's clock, as a lease
   * is.
   */
  static byte[] bucketTtl(long now) {
    long end = (bucket(now) + 1) * BUCKET_MILLIS;
    return Keys.ascii(Long.toString(end + ReplyCache.LONG_KEEP_MILLIS + 2 * BUCKET_MILLIS - now));
  }

  /**
   * Where a mutation's reply lives, the hash of its bytes, the token that tells this claim from any
   * other node's (or this node's other) claim of the same datagram, and the request's id. A step
   * that acts may store the reply itself ({@link #stored}); then {@link #remember} has nothing left
   * to send.
   */
  static final class Ticket {
    private final byte[] key;
    private final byte[] field;
    private final byte[] hash;
    private final byte[] token;
    private final int requestId;
    private volatile byte[] stored;
    private volatile long at = Long.MIN_VALUE;

    Ticket(byte[] key, byte[] field, byte[] hash, byte[] token, int requestId) {
      this.key = key;
      this.field = field;
      this.hash = hash;
      this.token = token;
      this.requestId = requestId;
    }

    /** The reply's key; null when the reply is a field of a time bucket ({@link #field}). */
    byte[] key() {
      return key;
    }

    /** The reply's field in its time bucket (an R's on a standalone store), else null. */
    byte[] field() {
      return field;
    }

    /** Whether the reply is a field of a time bucket rather than a key of its own. */
    boolean inBuckets() {
      return field != null;
    }

    /**
     * The registry claims the request in a step at {@code now}: a reply in time buckets is then in
     * the bucket of that time, where {@link #remember} and {@link #release} find it.
     */
    void at(long now) {
      this.at = now;
    }

    /** The time of the step that claimed the request (Long.MIN_VALUE: none yet). */
    long at() {
      return at;
    }

    byte[] hash() {
      return hash;
    }

    byte[] token() {
      return token;
    }

    int requestId() {
      return requestId;
    }

    /** The step that acted stored {@code reply} as this request's reply, in the same script. */
    void stored(byte[] reply) {
      this.stored = reply;
    }

    /** The claim's value in the store while it is held: see {@code once.lua}. */
    byte[] claim() {
      byte[] v = new byte[1 + hash.length + token.length];
      v[0] = 'P';
      System.arraycopy(hash, 0, v, 1, hash.length);
      System.arraycopy(token, 0, v, 1 + hash.length, token.length);
      return v;
    }
  }

  @Override
  public Object ticket(
      InetSocketAddress from, IndexMessage.Request request, byte[] bytes, int offset, int length) {
    byte[] ip = from.getAddress().getAddress();
    byte[] source =
        ByteBuffer.allocate(ip.length + 2 + 4)
            .put(ip)
            .putShort((short) from.getPort())
            .putInt(request.requestId())
            .array();
    if (request instanceof IndexMessage.Register && !store.isCluster()) {
      return new Ticket(null, source, hash(bytes, offset, length), token(), request.requestId());
    }
    byte[] key =
        switch (request) {
          case IndexMessage.Deregister t -> Keys.contentReply(utf8(t.content().toString()), source);
          case IndexMessage.Register r -> Keys.peerReply(utf8(r.peer().toString()), source);
          case IndexMessage.Quit q -> Keys.peerReply(utf8(q.peer().toString()), source);
          case IndexMessage.Keepalive k -> Keys.peerReply(utf8(k.peer().toString()), source);
          default -> throw new IllegalArgumentException("not a mutation: " + request.type());
        };
    return new Ticket(key, null, hash(bytes, offset, length), token(), request.requestId());
  }

  private static byte[] hash(byte[] bytes, int offset, int length) {
    MessageDigest md = SHA256.get(); // digest() resets it for the thread's next ticket
    md.update(bytes, offset, length);
    return md.digest();
  }

  private byte[] token() {
    return ByteBuffer.allocate(16).putLong(node).putLong(claims.incrementAndGet()).array();
  }

  @Override
  public void remember(Object ticket, byte[] reply, int replyOffset, int replyLength) {
    Ticket t = (Ticket) ticket;
    byte[] stored = t.stored;
    if (stored != null
        && Arrays.equals(stored, 0, stored.length, reply, replyOffset, replyOffset + replyLength)) {
      return; // the step that acted stored these very bytes
    }
    byte[] v = new byte[1 + t.hash().length + replyLength];
    v[0] = 'D';
    System.arraycopy(t.hash(), 0, v, 1, t.hash().length);
    System.arraycopy(reply, replyOffset, v, 1 + t.hash().length, replyLength);
    // not waited for: the reply goes out now, and a retransmission seen before this lands waits
    if (!t.inBuckets()) {
      store.setPx(t.key(), v, ReplyCache.LONG_KEEP_MILLIS);
      return;
    }
    // into the bucket of the step that claimed it (of now, if none did), over its claim
    long now = t.at() != Long.MIN_VALUE ? t.at() : System.currentTimeMillis();
    store.run(
        Script.REMEMBER,
        ScriptOutputType.INTEGER,
        new byte[][] {Keys.claims(bucket(now))},
        t.field(),
        v,
        bucketTtl(now));
  }

  @Override
  public void release(Object ticket) {
    releaseAsync((Ticket) ticket);
  }

  /** {@link #release}, done when the store has answered. */
  CompletableFuture<?> releaseAsync(Ticket ticket) {
    if (!ticket.inBuckets()) {
      return store.run(
          Script.RELEASE, ScriptOutputType.INTEGER, new byte[][] {ticket.key()}, ticket.claim());
    }
    long at = ticket.at();
    if (at == Long.MIN_VALUE) {
      return CompletableFuture.completedFuture(0L); // no step claimed it
    }
    return store.run(
        Script.RELEASE,
        ScriptOutputType.INTEGER,
        new byte[][] {Keys.claims(bucket(at))},
        ticket.claim(),
        ticket.field());
  }

  @Override
  public void gather() {
    store.gather();
  }

  @Override
  public void send() {
    store.sendGathered();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
