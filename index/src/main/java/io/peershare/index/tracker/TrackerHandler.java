package io.peershare.index.tracker;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
import io.peershare.index.udp.BatchHandler;
import io.peershare.index.udp.DatagramBatch;
import io.peershare.protocol.bittorrent.InfoHash;
import io.peershare.protocol.bittorrent.TrackerCodec;
import io.peershare.protocol.bittorrent.TrackerMessage;
import io.peershare.protocol.bittorrent.TrackerMessage.Announce;
import io.peershare.protocol.bittorrent.TrackerMessage.Request;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import io.peershare.protocol.bittorrent.TrackerProtocolException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 15 over one socket's datagrams, with no socket of its own (the model is the index's {@link
 * io.peershare.index.DatagramHandler}): the {@link io.peershare.index.udp.UdpTransport} hands it a
 * receive batch and sends the replies it sets; {@link #handle(InetSocketAddress, byte[], int,
 * long)} runs one datagram alone, for tests and fuzzers.
 *
 * <p>Checks in this order: size (drop), rate per source address (drop), action: connect with the
 * protocol id is answered with a connection id, anything but announce and scrape is dropped (it
 * could be another tracker's reply: answering it could start a loop); then the connection id
 * (error, no longer than the request); then the body (error). Connection ids are the index's
 * stateless cookies ({@link CookieJar}: a SipHash MAC of the address and the minute, accepted for
 * two to three minutes) bound to the IP address only, as opentracker and aquatic do, so a client
 * may announce from any port of its address. Nothing thrown escapes.
 *
 * <p>Threads: one handler per socket, called from that socket's thread only; the swarm store is
 * shared by every socket's handler and is not thread-safe, so a batch reaches it in one go under
 * the store's lock (the checks before and the encoding after run outside it), as the index's
 * registry takes a batch under one lock.
 */
public final class TrackerHandler implements BatchHandler {
  private static final Logger log = LoggerFactory.getLogger(TrackerHandler.class);

  /** The longest request read: a scrape of 74 hashes is 1496 bytes; BEP 41 options add some. */
  public static final int MAX_REQUEST = 2048;

  /** Peers an announce gets when its {@code num_want} is negative (BEP 15's -1: "default"). */
  public static final int DEFAULT_NUM_WANT = 50;

  /** Peers looked at per expiry slice at most, so a mass expiry never holds requests up long. */
  static final int EXPIRY_SLICE = 1_024;

  private final SwarmStore store;
  private final Lock storeLock;
  private final CookieJar connectionIds;
  private final AddressRateLimiter limiter;
  private final int intervalSeconds;
  private final Clock clock;

  /** Per datagram of the batch: the announce or scrape waiting for the store, or null. */
  private final Request[] pending = new Request[DatagramBatch.CAPACITY];

  /** The announcing peer of each pending announce. */
  private final PeerEndpoint[] endpoints = new PeerEndpoint[DatagramBatch.CAPACITY];

  /** The store's answer to each pending request (or the exception it threw). */
  private final Object[] outcomes = new Object[DatagramBatch.CAPACITY];

  private DatagramBatch single;

  /** Where an announce reply is written before the batch takes a copy. */
  private final byte[] out = new byte[TrackerCodec.MAX_REPLY];

  /**
   * @param store the swarms, shared by every handler of the tracker
   * @param storeLock the one lock every handler takes to reach {@code store}
   * @param connectionIds a jar of the tracker's own: its secrets are not the index's
   * @param limiter requests per source address, shared by every handler
   * @param intervalSeconds the {@code interval} told to clients; peers live twice as long
   * @param clock time for connection ids and expiry
   */
  public TrackerHandler(
      SwarmStore store,
      Lock storeLock,
      CookieJar connectionIds,
      AddressRateLimiter limiter,
      int intervalSeconds,
      Clock clock) {
    this.store = store;
    this.storeLock = storeLock;
    this.connectionIds = connectionIds;
    this.limiter = limiter;
    this.intervalSeconds = intervalSeconds;
    this.clock = clock;
  }

  /** A handler alone with its store, on the system clock (tests, fuzzers). */
  public TrackerHandler(
      SwarmStore store, CookieJar connectionIds, AddressRateLimiter limiter, int intervalSeconds) {
    this(store, new ReentrantLock(), connectionIds, limiter, intervalSeconds, Clock.systemUTC());
  }

  /** The reply to the first {@code length} bytes of {@code buf} from {@code from}, or null. */
  public byte[] handle(InetSocketAddress from, byte[] buf, int length, long now) {
    if (single == null) {
      single = new DatagramBatch(MAX_REQUEST + 1); // longer datagrams arrive cut, and are dropped
    }
    DatagramBatch one = single;
    one.clear();
    one.add(from, buf, 0, length);
    handle(one, now);
    if (!one.hasReply(0)) {
      return null;
    }
    byte[] reply = new byte[one.replyLength(0)];
    System.arraycopy(one.replies(), one.replyOffset(0), reply, 0, reply.length);
    return reply;
  }

  @Override
  public CompletionStage<Void> handle(DatagramBatch batch) {
    handle(batch, clock.millis());
    return DONE;
  }

  private void handle(DatagramBatch batch, long now) {
    int n = batch.size();
    int queued = 0;
    for (int i = 0; i < n; i++) {
      pending[i] = null;
      try {
        if (check(batch, i, now)) {
          queued++;
        }
      } catch (RuntimeException e) {
        internalError(batch, i, e);
      }
    }
    if (queued == 0) {
      return;
    }
    storeLock.lock();
    try {
      for (int i = 0; i < n; i++) {
        if (pending[i] != null) {
          outcomes[i] = apply(i, now);
        }
      }
    } finally {
      storeLock.unlock();
    }
    for (int i = 0; i < n; i++) {
      if (pending[i] != null) {
        try {
          reply(batch, i);
        } catch (RuntimeException e) {
          internalError(batch, i, e);
        }
        pending[i] = null;
        endpoints[i] = null;
        outcomes[i] = null;
      }
    }
  }

  /**
   * Size, rate, action, connection id, body: answers datagram i, drops it, or leaves its request in
   * {@link #pending} for the store (then returns true).
   */
  private boolean check(DatagramBatch batch, int i, long now) {
    int length = batch.length(i);
    if (length < TrackerCodec.HEADER_SIZE || length > MAX_REQUEST) {
      return false;
    }
    InetSocketAddress from = batch.sender(i);
    InetAddress ip = from.getAddress();
    if (!limiter.tryAcquire(ip, now)) {
      log.debug("rate limit: dropped a datagram from {}", from);
      return false;
    }
    byte[] buf = batch.data();
    int off = batch.offset(i);
    int action = TrackerCodec.action(buf, off);
    int transactionId = TrackerCodec.transactionId(buf, off);
    long connectionId = TrackerCodec.connectionId(buf, off);
    if (action == TrackerMessage.Action.CONNECT.code()) {
      if (connectionId == TrackerMessage.PROTOCOL_ID) {
        // ids are bound to the address only (port 0)
        batch.reply(i, TrackerCodec.connected(transactionId, connectionIds.issue(ip, 0, now)));
      }
      return false;
    }
    if (action != TrackerMessage.Action.ANNOUNCE.code()
        && action != TrackerMessage.Action.SCRAPE.code()) {
      return false;
    }
    if (!connectionIds.isValid(ip, 0, connectionId, now)) {
      batch.reply(
          i,
          TrackerCodec.failure(
              transactionId, "connection id unknown or expired: connect again", length));
      return false;
    }
    Request request;
    try {
      request = TrackerCodec.decodeRequest(buf, off, length);
    } catch (TrackerProtocolException e) {
      log.debug("bad request from {}: {}", from, e.getMessage());
      batch.reply(i, TrackerCodec.failure(transactionId, e.getMessage(), TrackerCodec.MAX_REPLY));
      return false;
    }
    if (request instanceof Announce a) {
      if (a.port() == 0) {
        batch.reply(
            i,
            TrackerCodec.failure(
                a.transactionId(),
                "port 0: announce the port you accept peers on",
                TrackerCodec.MAX_REPLY));
        return false;
      }
      endpoints[i] = PeerEndpoint.of(ip, a.port());
    } else if (!(request instanceof Scrape)) {
      return false; // a connect was answered above
    }
    pending[i] = request;
    return true;
  }

  /** Runs pending request i against the store (the caller holds the lock). */
  private Object apply(int i, long now) {
    try {
      return switch (pending[i]) {
        case Announce a -> {
          PeerEndpoint peer = endpoints[i];
          int most = peer.ipv6() ? TrackerCodec.MAX_PEERS_V6 : TrackerCodec.MAX_PEERS_V4;
          int want = a.numWant() < 0 ? DEFAULT_NUM_WANT : a.numWant();
          yield store.announce(
              a.infoHash(), peer, a.left() == 0, a.event(), Math.min(want, most), now);
        }
        case Scrape s -> {
          List<InfoHash> hashes = s.infoHashes();
          int n = Math.min(hashes.size(), TrackerCodec.MAX_SCRAPE);
          List<ScrapeCounts> counts = new ArrayList<>(n);
          for (int k = 0; k < n; k++) {
            counts.add(store.scrape(hashes.get(k), now));
          }
          yield counts;
        }
        case TrackerMessage.Connect c -> throw new IllegalStateException("a connect is pending");
      };
    } catch (TrackerFullException | RuntimeException e) {
      return e;
    }
  }

  /** Encodes the store's answer to pending request i as its reply. */
  private void reply(DatagramBatch batch, int i) {
    int transactionId = pending[i].transactionId();
    switch (outcomes[i]) {
      case SwarmStore.Announced r ->
          batch.reply(
              i,
              out,
              0,
              TrackerCodec.announced(
                  out, transactionId, intervalSeconds, r.leechers(), r.seeders(), r.peers()));
      case TrackerFullException e ->
          batch.reply(
              i, TrackerCodec.failure(transactionId, e.getMessage(), TrackerCodec.MAX_REPLY));
      case RuntimeException e -> internalError(batch, i, e);
      case List<?> counts -> {
        @SuppressWarnings("unchecked") // apply puts a scrape's counts here, nothing else
        List<ScrapeCounts> c = (List<ScrapeCounts>) counts;
        batch.reply(i, TrackerCodec.scraped(transactionId, c));
      }
      default -> throw new IllegalStateException("no outcome for a pending request");
    }
  }

  /** Answers datagram i with an error no longer than the request, when it has a header. */
  private static void internalError(DatagramBatch batch, int i, RuntimeException e) {
    log.debug("failed on a datagram from {}", batch.sender(i), e);
    int length = batch.length(i);
    if (length >= TrackerCodec.HEADER_SIZE && !batch.hasReply(i)) {
      int transactionId = TrackerCodec.transactionId(batch.data(), batch.offset(i));
      batch.reply(i, TrackerCodec.failure(transactionId, "internal error", length));
    }
  }

  /** Expires silent peers, a bounded slice, between batches; true while more are due. */
  @Override
  public boolean housekeeping() {
    return tick(clock.millis());
  }

  /**
   * Expires a slice of silent peers at {@code now}; true when it dropped any, so more may be due
   * (the call after the last one finds nothing and ends the run).
   */
  public boolean tick(long now) {
    storeLock.lock();
    try {
      return store.expire(now, EXPIRY_SLICE) > 0;
    } finally {
      storeLock.unlock();
    }
  }

  /** What the tracker holds now. */
  public SwarmStore.Totals totals() {
    storeLock.lock();
    try {
      return store.totals();
    } finally {
      storeLock.unlock();
    }
  }
}
