package io.peershare.index;

import io.peershare.index.udp.BatchHandler;
import io.peershare.index.udp.DatagramBatch;
import io.peershare.protocol.ErrorCode;
import io.peershare.protocol.IndexCodec;
import io.peershare.protocol.IndexHeader;
import io.peershare.protocol.IndexMessage;
import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexType;
import io.peershare.protocol.ProtocolException;
import io.peershare.protocol.WireWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index protocol over one socket's datagrams, with no socket of its own: the transport hands it
 * a receive batch, it answers what it can at once and gives the rest to the registry as one {@link
 * RegistryBatch}. Per datagram, in the spec's order: size (drop), the per-address rate limit
 * (drop), version, type, cookie, reply cache, body; a reply to a request without a valid cookie is
 * never longer than the request. Nothing thrown while handling one datagram escapes: the answer is
 * then {@code INTERNAL}.
 *
 * <p>With {@link SharedReplies} (nodes on one shared registry), each mutation goes to the registry
 * with a ticket, and the registry claims it in its first step for it: a mutation another node
 * already answered gets that node's reply bytes, one it is still at gets nothing (the client sends
 * again); for one this node acted on, its reply is kept in the shared store before it is sent.
 *
 * <p>One per server thread: its reply cache and scratch state are its own; the registry, cookie jar
 * and rate limiter are shared (and thread-safe). {@link #handle(InetSocketAddress, byte[], int,
 * long)} runs one datagram alone, for tests and fuzzers.
 */
public final class DatagramHandler implements BatchHandler {
  private static final Logger log = LoggerFactory.getLogger(DatagramHandler.class);

  /**
   * Registrations one expiry slice removes at most; the in-memory registry also stops a slice after
   * half a millisecond, or for the other thread's batch.
   */
  static final int EXPIRY_SLICE = 1_024;

  /** What a datagram of the batch is waiting for. */
  private static final int ANSWERED = -1;

  /** How often the cookie secrets are compared with a shared source's. */
  private static final long COOKIE_REFRESH_MILLIS = 1_000;

  private final Registry registry;
  private final ReplyCache cache;
  private final AddressRateLimiter limiter;
  private final CookieJar cookies;
  private final Clock clock;
  private final IndexEvents events;
  private final long leaseSeconds;
  private final SharedReplies shared;
  private final RegistryBatch pending = new RegistryBatch(DatagramBatch.CAPACITY);

  /** Per datagram of the current batch: answered with a copy of an earlier reply. */
  private final boolean[] cached = new boolean[DatagramBatch.CAPACITY];

  private long lastCookieRefresh = Long.MIN_VALUE;

  /** Per datagram of the current batch: its index in {@link #pending}, or {@link #ANSWERED}. */
  private final int[] slot = new int[DatagramBatch.CAPACITY];

  private final IndexType[] types = new IndexType[DatagramBatch.CAPACITY];
  private final int[] hashes = new int[DatagramBatch.CAPACITY];

  /**
   * The current batch's datagrams by hash, for {@link #earlierTwin}: open addressing, linear
   * probing, index + 1 per used slot (0: empty); at most half full, cleared per batch.
   */
  private final int[] byHash = new int[2 * DatagramBatch.CAPACITY];

  private final WireWriter out = new WireWriter(IndexMessage.MAX_DATAGRAM);
  private DatagramBatch single;
  private long batchNow;
  private boolean expiryBehind;

  public DatagramHandler(
      Registry registry,
      CookieJar cookies,
      ReplyCache cache,
      AddressRateLimiter limiter,
      Clock clock,
      IndexEvents events) {
    this(registry, cookies, cache, limiter, clock, events, null);
  }

  /** With {@code shared} (null for none): mutation replies shared with the other nodes. */
  public DatagramHandler(
      Registry registry,
      CookieJar cookies,
      ReplyCache cache,
      AddressRateLimiter limiter,
      Clock clock,
      IndexEvents events,
      SharedReplies shared) {
    this.shared = shared;
    this.registry = registry;
    this.cookies = cookies;
    this.cache = cache;
    this.limiter = limiter;
    this.clock = clock;
    this.events = events.forThread(); // this handler's own: one thread tells it
    this.leaseSeconds = registry.leaseMillis() / 1000;
  }

  /** A handler on the system clock that tells nobody what it does (tests, benchmarks). */
  public DatagramHandler(
      Registry registry, CookieJar cookies, ReplyCache cache, AddressRateLimiter limiter) {
    this(registry, cookies, cache, limiter, Clock.systemUTC(), IndexEvents.NONE);
  }

  /** The reply to the first {@code length} bytes of {@code buf}, or null for none. */
  public byte[] handle(InetSocketAddress from, byte[] buf, int length, long now) {
    if (single == null) {
      single = new DatagramBatch(IndexMessage.MAX_DATAGRAM + 1);
    }
    DatagramBatch one = single;
    one.clear();
    one.add(from, buf, 0, length);
    CompletionStage<Void> done = handle(one, now);
    done.toCompletableFuture().join();
    finish(one);
    return one.hasReply(0) ? reply(one) : null;
  }

  private static byte[] reply(DatagramBatch one) {
    byte[] out = new byte[one.replyLength(0)];
    System.arraycopy(one.replies(), one.replyOffset(0), out, 0, out.length);
    return out;
  }

  @Override
  public CompletionStage<Void> handle(DatagramBatch batch) {
    return handle(batch, clock.millis());
  }

  private CompletionStage<Void> handle(DatagramBatch batch, long now) {
    batchNow = now;
    // no expiry slice here: the transport runs them between batches (housekeeping), one per turn
    // of its loop; a slice here as well ran right after the one the loop had just run, while the
    // datagrams that came in during it waited for both
    pending.clear();
    Arrays.fill(byHash, 0);
    byte[] buf = batch.data();
    for (int i = 0; i < batch.size(); i++) {
      slot[i] = ANSWERED;
      types[i] = IndexType.UNKNOWN;
      cached[i] = false;
      try {
        check(batch, i, buf, batch.offset(i), batch.length(i), now);
      } catch (RuntimeException e) {
        log.debug("failed on a datagram from {}", batch.sender(i), e);
        error(batch, i, ErrorCode.INTERNAL, "internal error", maxReply(batch, i));
      }
    }
    return pending.size() == 0 ? DONE : registry.apply(pending, now);
  }

  /** Size, rate, version, type, cookie, cache, body: answers i or queues it for the registry. */
  private void check(DatagramBatch batch, int i, byte[] buf, int off, int length, long now) {
    InetSocketAddress from = batch.sender(i);
    if (length < IndexHeader.LENGTH || length > IndexMessage.MAX_DATAGRAM) {
      events.dropped(IndexEvents.Drop.SIZE);
      return;
    }
    if (!limiter.tryAcquire(from.getAddress(), now)) {
      log.debug("rate limit: dropped a datagram from {}", from);
      events.dropped(IndexEvents.Drop.RATE_LIMIT);
      return;
    }
    int requestId = IndexHeader.requestId(buf, off);
    int maxReply = length; // until a valid cookie is seen
    if (IndexHeader.version(buf, off) != IndexMessage.VERSION) {
      error(batch, i, ErrorCode.UNSUPPORTED_VERSION, "this server speaks version 1", maxReply);
      return;
    }
    IndexType type = IndexHeader.type(buf, off);
    types[i] = type;
    if (!type.isRequest()) {
      error(batch, i, ErrorCode.UNSUPPORTED, "not a request type", maxReply);
      return;
    }
    if (type != IndexType.HELLO
        && (length < IndexHeader.COOKIE_END
            || !cookies.isValid(from, IndexHeader.cookie(buf, off), now))) {
      error(batch, i, ErrorCode.BAD_COOKIE, "send H for a new cookie", maxReply);
      return;
    }
    int hash = cache.hash(from, buf, off, length);
    hashes[i] = hash; // the cache's put and the twin check below use it too
    if (cache.find(hash, from, buf, off, length, now)) {
      batch.reply(i, cache.foundArray(), cache.foundOffset(), cache.foundLength());
      cached[i] = true;
      hashed(i, hash);
      return;
    }
    int twin = earlierTwin(batch, i, buf, off, length);
    hashed(i, hash);
    if (twin >= 0) {
      slot[i] = -2 - twin; // a retransmission within the batch: it gets its twin's reply
      return;
    }
    IndexMessage.Request request;
    try {
      request = IndexCodec.decodeRequest(type, requestId, buf, off, length);
    } catch (ProtocolException e) {
      log.debug("{} from {}: {}", e.code(), from, e.getMessage());
      error(
          batch,
          i,
          e.code(),
          e.getMessage(),
          type == IndexType.HELLO ? length : IndexMessage.MAX_DATAGRAM);
      return;
    }
    if (request instanceof IndexMessage.Hello) {
      byte[] y = IndexCodec.encode(new CookieReply(requestId, cookies.issue(from, now)));
      // as long as the H: the reply is never longer than the request
      remember(batch, i, y, y.length, now);
      return;
    }
    Object ticket =
        shared != null && keepMillis(type) == ReplyCache.LONG_KEEP_MILLIS
            ? shared.ticket(from, request, buf, off, length)
            : null;
    slot[i] = pending.add(request, from.getAddress(), ticket);
  }

  /**
   * An earlier datagram of this batch with the same source and bytes, or -1: the first of them
   * (datagrams of one hash lie along its probe in the order they came). Looks only at the earlier
   * datagrams of the same hash, not at every earlier one (that loop had 7-10 % of all samples in
   * JFR profiles of three Redis nodes under R load: docs/benchmarks.md).
   */
  private int earlierTwin(DatagramBatch batch, int i, byte[] buf, int off, int length) {
    int h = hashes[i];
    int mask = byHash.length - 1;
    for (int at = h & mask; byHash[at] != 0; at = (at + 1) & mask) {
      int j = byHash[at] - 1;
      if (hashes[j] == h
          && (slot[j] >= 0 || batch.hasReply(j))
          && batch.length(j) == length
          && batch.sender(j).equals(batch.sender(i))
          && Arrays.equals(
              buf, batch.offset(j), batch.offset(j) + length, buf, off, off + length)) {
        return j;
      }
    }
    return -1;
  }

  /** Datagram {@code i} of this batch, of hash {@code hash}, for {@link #earlierTwin}. */
  private void hashed(int i, int hash) {
    int mask = byHash.length - 1;
    int at = hash & mask;
    while (byHash[at] != 0) {
      at = (at + 1) & mask;
    }
    byHash[at] = i + 1;
  }

  /** Encodes the registry's outcomes, caches the replies, and answers the twins. */
  @Override
  public void finish(DatagramBatch batch) {
    long now = batchNow;
    if (shared != null) {
      shared.gather(); // the batch's stored replies leave together, before its datagrams
    }
    try {
      encodeAll(batch, now);
    } finally {
      if (shared != null) {
        shared.send();
      }
    }
    for (int i = 0; i < batch.size(); i++) {
      if (slot[i] <= -2) {
        int twin = -2 - slot[i];
        if (batch.hasReply(twin)) {
          batch.reply(i, batch.replies(), batch.replyOffset(twin), batch.replyLength(twin));
          cached[i] = true; // told with its twin's result, an error as well as ok
        }
      }
    }
    if (events != IndexEvents.NONE) {
      tell(batch);
    }
    pending.clear();
  }

  /** Encodes the registry's outcomes and shares the replies to the mutations this node did. */
  private void encodeAll(DatagramBatch batch, long now) {
    for (int i = 0; i < batch.size(); i++) {
      if (slot[i] < 0) {
        continue;
      }
      byte[] elsewhere = RegistryBatch.elsewhere(pending.outcome(slot[i]));
      if (elsewhere != null) {
        answerFromElsewhere(batch, i, elsewhere, now);
        continue;
      }
      try {
        encodeOutcome(batch, i, now);
      } catch (RuntimeException e) {
        log.debug("failed on a reply to {}", batch.sender(i), e);
        error(batch, i, ErrorCode.INTERNAL, "internal error", IndexMessage.MAX_DATAGRAM);
      }
      Object ticket = pending.ticket(slot[i]);
      if (ticket != null) {
        share(batch, i, ticket);
      }
    }
  }

  /** A mutation another node answered: that node's reply, or nothing while it is at it. */
  private void answerFromElsewhere(DatagramBatch batch, int i, byte[] reply, long now) {
    if (reply.length > 0) {
      // the reply another node sent: kept here too, so this node's retransmissions meet it
      remember(batch, i, reply, reply.length, now);
      cached[i] = true;
    }
    // IN_PROGRESS: another node is at it; the client's next try gets its reply
  }

  /** Puts this node's reply to a mutation it claimed where the other nodes find it. */
  private void share(DatagramBatch batch, int i, Object ticket) {
    try {
      if (!batch.hasReply(i)
          || errorIn(batch.replies(), batch.replyOffset(i)) == ErrorCode.INTERNAL) {
        shared.release(ticket); // nothing done: another node may try
      } else {
        shared.remember(ticket, batch.replies(), batch.replyOffset(i), batch.replyLength(i));
      }
    } catch (RuntimeException e) {
      log.debug("could not share the reply to {}", batch.sender(i), e);
    }
  }

  /**
   * Tells the events of every datagram the batch answers, each with the result its reply carries,
   * all with one time: the replies of a batch leave together, after this.
   */
  private void tell(DatagramBatch batch) {
    long nanos = System.nanoTime() - batch.receivedAtNanos();
    byte[] replies = batch.replies();
    for (int i = 0; i < batch.size(); i++) {
      if (batch.hasReply(i)) {
        boolean copy = cached[i];
        events.answered(types[i], errorIn(replies, batch.replyOffset(i)), copy, copy ? 0 : nanos);
      }
    }
  }

  private void encodeOutcome(DatagramBatch batch, int i, long now) {
    int p = slot[i];
    IndexMessage.Request request = pending.request(p);
    Object outcome = pending.outcome(p);
    int id = request.requestId();
    byte[] reply;
    int length;
    if (outcome instanceof RegistryException e) {
      reply = IndexCodec.encodeError(id, e.code(), e.getMessage(), IndexMessage.MAX_DATAGRAM);
      length = reply.length;
      if (e.code() == ErrorCode.INTERNAL) {
        // nothing was done (a store that failed): the same datagram again is tried again
        batch.reply(i, reply, 0, length);
        return;
      }
    } else {
      IndexMessage m;
      if (outcome instanceof Registry.Located l) {
        m = new Providers(id, l.size(), l.digest(), l.providers());
      } else if (outcome instanceof Registry.Page page) {
        m = new Listing(id, page.more(), page.entries());
      } else if (RegistryBatch.isDone(outcome)) {
        m =
            new Ack(
                id,
                switch (types[i]) {
                  case REGISTER, KEEPALIVE -> leaseSeconds;
                  default -> 0;
                });
      } else {
        m = new IndexMessage.ErrorReply(id, ErrorCode.INTERNAL, "no outcome");
      }
      IndexCodec.encode(m, out); // into this thread's writer: no array per reply
      reply = out.array();
      length = out.length();
    }
    remember(batch, i, reply, length, now);
  }

  /** Caches the reply to i and sets it (i got past the cache lookup: its hash is known). */
  private void remember(DatagramBatch batch, int i, byte[] reply, int length, long now) {
    cache.put(
        hashes[i],
        batch.sender(i),
        batch.data(),
        batch.offset(i),
        batch.length(i),
        reply,
        0,
        length,
        keepMillis(types[i]),
        now);
    batch.reply(i, reply, 0, length);
  }

  private void error(DatagramBatch batch, int i, ErrorCode code, String message, int maxReply) {
    byte[] e =
        IndexCodec.encodeError(
            IndexHeader.requestId(batch.data(), batch.offset(i)), code, message, maxReply);
    if (e == null) {
      events.dropped(IndexEvents.Drop.SIZE); // even an empty error would be longer
      return;
    }
    batch.reply(i, e);
    cached[i] = false; // in place of whatever it had: this is its answer now
  }

  /** The code of the E reply at {@code at}, or null when the reply is not an E. */
  private static ErrorCode errorIn(byte[] reply, int at) {
    if (IndexHeader.type(reply, at) != IndexType.ERROR) {
      return null;
    }
    try {
      return ErrorCode.of(((reply[at + 6] & 0xff) << 8) | (reply[at + 7] & 0xff));
    } catch (ProtocolException e) {
      return ErrorCode.INTERNAL; // our own replies carry known codes
    }
  }

  private static int maxReply(DatagramBatch batch, int i) {
    return batch.length(i); // the strict bound: the cookie may not have been checked
  }

  /** Expiry slices between batches; true while due leases remain. */
  @Override
  public boolean housekeeping() {
    long now = clock.millis();
    if (now - lastCookieRefresh >= COOKIE_REFRESH_MILLIS || now < lastCookieRefresh) {
      lastCookieRefresh = now;
      cookies.refresh();
    }
    expireSlice(now);
    return expiryBehind;
  }

  private void expireSlice(long now) {
    int n = registry.sweep(now, EXPIRY_SLICE);
    expiryBehind = n > 0; // a slice may stop short of its count (time, a waiting thread)
    if (n > 0) {
      events.expired(n);
    }
  }

  private static long keepMillis(IndexType type) {
    return switch (type) {
      case REGISTER, DEREGISTER, QUIT, KEEPALIVE -> ReplyCache.LONG_KEEP_MILLIS;
      default -> ReplyCache.SHORT_KEEP_MILLIS;
    };
  }
}
