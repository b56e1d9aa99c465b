package io.peershare.protocol.bittorrent;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The messages of the BitTorrent UDP tracker protocol (BEP 15), as {@link TrackerCodec} reads and
 * writes them. Peer ids and BEP 41 URL data are kept as ISO-8859-1 strings: one char per byte, so
 * any bytes survive and records compare by value.
 */
public sealed interface TrackerMessage {
  /** {@code protocol_id}: the magic number a connect request starts with. */
  long PROTOCOL_ID = 0x41727101980L;

  int transactionId();

  /** What a client sends. */
  sealed interface Request extends TrackerMessage {}

  /** What the tracker answers. */
  sealed interface Reply extends TrackerMessage {}

  /** {@code action} 0, 1, 2, 3 of BEP 15. */
  enum Action {
    CONNECT,
    ANNOUNCE,
    SCRAPE,
    ERROR;

    public int code() {
      return ordinal();
    }
  }

  /** An announce's {@code event}; the wire numbers are BEP 15's (0 none, 1, 2, 3). */
  enum Event {
    NONE,
    COMPLETED,
    STARTED,
    STOPPED;

    public int code() {
      return ordinal();
    }

    /** The event of wire number {@code code}, or null for a number BEP 15 does not define. */
    public static Event ofCode(int code) {
      return code >= 0 && code < 4 ? values()[code] : null;
    }
  }

  /** Asks for a connection id. */
  record Connect(int transactionId) implements Request {}

  /**
   * Tells the tracker a peer is in a swarm and asks for others.
   *
   * @param ipAddress the request's IPv4 field; trackers use the datagram's source instead
   * @param numWant peers wanted; -1 (any negative) asks for the tracker's default
   * @param port the peer's TCP port, 0-65535
   * @param urlData the BEP 41 URLData options, concatenated ("" when none were sent)
   */
  record Announce(
      long connectionId,
      int transactionId,
      InfoHash infoHash,
      String peerId,
      long downloaded,
      long left,
      long uploaded,
      Event event,
      int ipAddress,
      int key,
      int numWant,
      int port,
      String urlData)
      implements Request {
    public Announce {
      Objects.requireNonNull(infoHash);
      Objects.requireNonNull(event);
      Objects.requireNonNull(urlData);
      if (peerId.length() != 20) {
        throw new IllegalArgumentException("a peer id is 20 bytes");
      }
      if (port < 0 || port > 0xffff) {
        throw new IllegalArgumentException("port must be 0-65535");
      }
    }
  }

  /** Asks for the counts of up to {@link TrackerCodec#MAX_SCRAPE} torrents. */
  record Scrape(long connectionId, int transactionId, List<InfoHash> infoHashes)
      implements Request {
    public Scrape {
      infoHashes = List.copyOf(infoHashes);
    }
  }

  /** The answer to {@link Connect}: exactly 16 bytes on the wire. */
  record Connected(int transactionId, long connectionId) implements Reply {}

  /**
   * The answer to {@link Announce}: peers of the request's address family, 6 bytes each for IPv4
   * and 18 for IPv6.
   */
  record Announced(
      int transactionId, int interval, int leechers, int seeders, List<InetSocketAddress> peers)
      implements Reply {
    public Announced {
      peers = List.copyOf(peers);
    }
  }

  /** One torrent's counts in a {@link Scraped}. */
  record ScrapeCounts(int seeders, int completed, int leechers) {}

  /** The answer to {@link Scrape}: counts in the order of the request's hashes. */
  record Scraped(int transactionId, List<ScrapeCounts> counts) implements Reply {
    public Scraped {
      counts = List.copyOf(counts);
    }
  }

  /** An error: {@code action} 3 and a message (bytes to the end of the datagram). */
  record Failure(int transactionId, String message) implements Reply {
    public Failure {
      Objects.requireNonNull(message);
    }
  }
}
