package io.peershare.protocol;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Every datagram of the index protocol (docs/protocol.md §3). Requests go peer to index, replies
 * index to peer; each carries the client's {@code requestId} (§3.1, §5.1). Requests other than
 * {@link Hello} carry a cookie (§4.2). Each record cites the section that lays out its bytes;
 * {@link IndexCodec} reads and writes them.
 */
public sealed interface IndexMessage {
  /** Protocol version carried in every header (docs/protocol.md §1.3, §3.1). */
  int VERSION = 1;

  /** The largest datagram either side sends or accepts (docs/protocol.md §3.1). */
  int MAX_DATAGRAM = 1200;

  /** type (u8), version (u8), requestId (u32): {@link IndexHeader}, docs/protocol.md §3.1. */
  int HEADER_SIZE = IndexHeader.LENGTH;

  /** The header plus the u64 cookie every request but {@code H} has (docs/protocol.md §3.1). */
  int COOKIE_END = IndexHeader.COOKIE_END;

  int requestId();

  /** The wire type letter. */
  default char type() {
    return IndexType.of(this).letter();
  }

  /** Peer to index. */
  sealed interface Request extends IndexMessage {}

  /** Requests that carry a cookie (all but {@link Hello}). */
  sealed interface CookieRequest extends Request {
    long cookie();
  }

  /** Index to peer. */
  sealed interface Reply extends IndexMessage {}

  /**
   * {@code H}: asks for a cookie; 8 zero bytes of padding make it as long as the reply
   * (docs/protocol.md §3.3).
   */
  record Hello(int requestId) implements Request {}

  /**
   * {@code R}: this peer provides {@code content} on {@code tcpPort} of its source address
   * (docs/protocol.md §3.4).
   */
  record Register(
      int requestId,
      long cookie,
      PeerName peer,
      ContentName content,
      int tcpPort,
      long size,
      Digest digest)
      implements CookieRequest {
    public Register {
      Objects.requireNonNull(peer);
      Objects.requireNonNull(content);
      Objects.requireNonNull(digest);
    }
  }

  /** {@code T}: this peer no longer provides {@code content} (docs/protocol.md §3.5). */
  record Deregister(int requestId, long cookie, PeerName peer, ContentName content)
      implements CookieRequest {}

  /**
   * {@code Q}: remove all of this peer's registrations from this address (docs/protocol.md §3.6).
   */
  record Quit(int requestId, long cookie, PeerName peer) implements CookieRequest {}

  /** {@code K}: renew every lease of this peer from this address (docs/protocol.md §3.7). */
  record Keepalive(int requestId, long cookie, PeerName peer) implements CookieRequest {}

  /**
   * {@code O}: content names after {@code after} (byte order) containing {@code filter}
   * (docs/protocol.md §3.8).
   */
  record ListRequest(int requestId, long cookie, String after, String filter)
      implements CookieRequest {}

  /**
   * {@code S}: up to {@code max} (1–16) providers of {@code content}, round robin (docs/protocol.md
   * §3.9).
   */
  record Locate(int requestId, long cookie, PeerName peer, ContentName content, int max)
      implements CookieRequest {}

  /** {@code Y}: a cookie for the requests that follow (docs/protocol.md §3.10). */
  record CookieReply(int requestId, long cookie) implements Reply {}

  /**
   * {@code L}: one page of content names; {@code more} when further names exist (docs/protocol.md
   * §3.11).
   */
  record Listing(int requestId, boolean more, List<ListingEntry> entries) implements Reply {
    public Listing {
      entries = List.copyOf(entries);
    }
  }

  /** One entry of a {@link Listing} (docs/protocol.md §3.11). */
  record ListingEntry(ContentName content, int providers, long size) {
    /** Bytes this entry takes in a listing datagram. */
    public int wireSize() {
      return WireWriter.strSize(content) + 2 + 8;
    }
  }

  /**
   * {@code P}: where {@code content} (of this size and digest) can be downloaded (docs/protocol.md
   * §3.12).
   */
  record Providers(int requestId, long size, Digest digest, List<Provider> providers)
      implements Reply {
    public Providers {
      providers = List.copyOf(providers);
    }
  }

  /** One provider in a {@link Providers} reply (docs/protocol.md §3.12). */
  record Provider(PeerName peer, InetAddress address, int tcpPort) {}

  /**
   * {@code A}: done; the lease for {@code R} and {@code K}, 0 for {@code T} and {@code Q}
   * (docs/protocol.md §3.13, leases §4.5).
   */
  record Ack(int requestId, long leaseSeconds) implements Reply {}

  /** {@code E}: refused, with a code and a short message (docs/protocol.md §3.14, codes §7). */
  record ErrorReply(int requestId, ErrorCode code, String message) implements Reply {
    public ErrorReply {
      Objects.requireNonNull(code);
      Objects.requireNonNull(message);
    }
  }
}
