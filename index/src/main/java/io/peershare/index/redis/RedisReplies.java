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
 */
public final class RedisReplies implements SharedReplies {
  static final long PENDING_MILLIS = 3_000;

  static final byte[] PENDING = Keys.ascii(Long.toString(PENDING_MILLIS));

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

  /**
   * Where a mutation's reply lives, the hash of its bytes, the token that tells this claim from any
   * other node's (or this node's other) claim of the same datagram, and the request's id. A step
   * that acts may store the reply itself ({@link #stored}); then {@link #remember} has nothing left
   * to send.
   */
  static final class Ticket {
    private final byte[] key;
    private final byte[] hash;
    private final byte[] token;
    private final int requestId;
    private volatile byte[] stored;

    Ticket(byte[] key, byte[] hash, byte[] token, int requestId) {
      this.key = key;
      this.hash = hash;
      this.token = token;
      this.requestId = requestId;
    }

    byte[] key() {
      return key;
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
    byte[] key =
        switch (request) {
          case IndexMessage.Deregister t -> Keys.contentReply(utf8(t.content().toString()), source);
          case IndexMessage.Register r -> Keys.peerReply(utf8(r.peer().toString()), source);
          case IndexMessage.Quit q -> Keys.peerReply(utf8(q.peer().toString()), source);
          case IndexMessage.Keepalive k -> Keys.peerReply(utf8(k.peer().toString()), source);
          default -> throw new IllegalArgumentException("not a mutation: " + request.type());
        };
    MessageDigest md = SHA256.get(); // digest() below resets it for the thread's next ticket
    md.update(bytes, offset, length);
    byte[] token = ByteBuffer.allocate(16).putLong(node).putLong(claims.incrementAndGet()).array();
    return new Ticket(key, md.digest(), token, request.requestId());
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
    store.setPx(t.key(), v, ReplyCache.LONG_KEEP_MILLIS);
  }

  @Override
  public void release(Object ticket) {
    releaseAsync((Ticket) ticket);
  }

  /** {@link #release}, done when the store has answered. */
  CompletableFuture<?> releaseAsync(Ticket ticket) {
    return store.run(
        Script.RELEASE, ScriptOutputType.INTEGER, new byte[][] {ticket.key()}, ticket.claim());
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
