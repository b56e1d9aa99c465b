package io.peershare.index.tracker;

import io.peershare.index.AddressRateLimiter;
import io.peershare.index.CookieJar;
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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BEP 15 datagram in, at most one out, with no socket (the model is the index's {@link
 * io.peershare.index.DatagramHandler}): the tracker's loop calls it, and so can tests and fuzzers.
 *
 * <p>Checks in this order: size (drop), rate per source address (drop), action: connect with the
 * protocol id is answered with a connection id, anything but announce and scrape is dropped (it
 * could be another tracker's reply: answering it could start a loop); then the connection id
 * (error, no longer than the request); then the body (error). Connection ids are the index's
 * stateless cookies ({@link CookieJar}: a MAC of the address and the minute, accepted for two to
 * three minutes) bound to the IP address only, as opentracker and aquatic do, so a client may
 * announce from any port of its address. Nothing thrown escapes. Not thread-safe: one owner.
 */
public final class TrackerHandler {
  private static final Logger log = LoggerFactory.getLogger(TrackerHandler.class);

  /** The longest request read: a scrape of 74 hashes is 1496 bytes; BEP 41 options add some. */
  public static final int MAX_REQUEST = 2048;

  /** Peers an announce gets when its {@code num_want} is negative (BEP 15's -1: "default"). */
  public static final int DEFAULT_NUM_WANT = 50;

  /** Peers expired per tick at most, so a mass expiry never holds requests up for long. */
  static final int EXPIRE_PER_TICK = 10_000;

  private final SwarmStore store;
  private final CookieJar connectionIds;
  private final AddressRateLimiter limiter;
  private final int intervalSeconds;

  /**
   * @param connectionIds a jar of the tracker's own: its secrets are not the index's
   * @param intervalSeconds the {@code interval} told to clients; peers live twice as long
   */
  public TrackerHandler(
      SwarmStore store, CookieJar connectionIds, AddressRateLimiter limiter, int intervalSeconds) {
    this.store = store;
    this.connectionIds = connectionIds;
    this.limiter = limiter;
    this.intervalSeconds = intervalSeconds;
  }

  /** The reply to the first {@code length} bytes of {@code buf} from {@code from}, or null. */
  public byte[] handle(InetSocketAddress from, byte[] buf, int length, long now) {
    if (length < TrackerCodec.HEADER_SIZE || length > MAX_REQUEST) {
      return null;
    }
    InetAddress ip = from.getAddress();
    if (!limiter.tryAcquire(ip, now)) {
      log.debug("rate limit: dropped a datagram from {}", from);
      return null;
    }
    int action = TrackerCodec.action(buf, 0);
    int transactionId = TrackerCodec.transactionId(buf, 0);
    long connectionId = TrackerCodec.connectionId(buf, 0);
    InetSocketAddress bound = new InetSocketAddress(ip, 0); // ids are bound to the address only
    try {
      if (action == TrackerMessage.Action.CONNECT.code()) {
        return connectionId == TrackerMessage.PROTOCOL_ID
            ? TrackerCodec.connected(transactionId, connectionIds.issue(bound, now))
            : null;
      }
      if (action != TrackerMessage.Action.ANNOUNCE.code()
          && action != TrackerMessage.Action.SCRAPE.code()) {
        return null;
      }
      if (!connectionIds.isValid(bound, connectionId, now)) {
        return TrackerCodec.failure(
            transactionId, "connection id unknown or expired: connect again", length);
      }
      Request request;
      try {
        request = TrackerCodec.decodeRequest(buf, 0, length);
      } catch (TrackerProtocolException e) {
        log.debug("bad request from {}: {}", from, e.getMessage());
        return TrackerCodec.failure(transactionId, e.getMessage(), TrackerCodec.MAX_REPLY);
      }
      return switch (request) {
        case Announce a -> announce(a, ip, now);
        case Scrape s -> scrape(s, now);
        case TrackerMessage.Connect c -> null; // answered above
      };
    } catch (RuntimeException e) {
      log.debug("failed on a datagram from {}", from, e);
      return TrackerCodec.failure(transactionId, "internal error", length);
    }
  }

  private byte[] announce(Announce a, InetAddress ip, long now) {
    if (a.port() == 0) {
      return TrackerCodec.failure(
          a.transactionId(),
          "port 0: announce the port you accept peers on",
          TrackerCodec.MAX_REPLY);
    }
    PeerEndpoint peer = PeerEndpoint.of(ip, a.port());
    int most = peer.ipv6() ? TrackerCodec.MAX_PEERS_V6 : TrackerCodec.MAX_PEERS_V4;
    int want = a.numWant() < 0 ? DEFAULT_NUM_WANT : a.numWant();
    SwarmStore.Announced result;
    try {
      result =
          store.announce(a.infoHash(), peer, a.left() == 0, a.event(), Math.min(want, most), now);
    } catch (TrackerFullException e) {
      return TrackerCodec.failure(a.transactionId(), e.getMessage(), TrackerCodec.MAX_REPLY);
    }
    return TrackerCodec.announced(
        a.transactionId(), intervalSeconds, result.leechers(), result.seeders(), result.peers());
  }

  private byte[] scrape(Scrape s, long now) {
    List<InfoHash> hashes = s.infoHashes();
    int n = Math.min(hashes.size(), TrackerCodec.MAX_SCRAPE);
    List<ScrapeCounts> counts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      counts.add(store.scrape(hashes.get(i), now));
    }
    return TrackerCodec.scraped(s.transactionId(), counts);
  }

  /** Expires silent peers (a bounded slice); the loop calls it between datagrams. */
  public void tick(long now) {
    store.expire(now, EXPIRE_PER_TICK);
  }

  /** What the tracker holds now. */
  public SwarmStore.Totals totals() {
    return store.totals();
  }
}
