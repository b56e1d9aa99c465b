package io.peershare.protocol;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Every datagram of the index protocol. Requests go peer to index, replies index to peer; each
 * carries the client's {@code requestId}. Requests other than {@link Hello} carry a cookie.
 */
public sealed interface IndexMessage {
  /** Protocol version carried in every header. */
  int VERSION = 1;

  /** The largest datagram either side sends or accepts. */
  int MAX_DATAGRAM = 1200;

  /** type (u8), version (u8), requestId (u32). */
  int HEADER_SIZE = 6;

  /** The header plus the u64 cookie every request but {@code H} has. */
  int COOKIE_END = HEADER_SIZE + 8;

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

  /** {@code H}: asks for a cookie; 8 zero bytes of padding make it as long as the reply. */
  record Hello(int requestId) implements Request {}

  /** {@code R}: this peer provides {@code content} on {@code tcpPort} of its source address. */
  record Register(
      int requestId,
      long cookie,
      String peer,
      String content,
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

  /** {@code T}: this peer no longer provides {@code content}. */
  record Deregister(int requestId, long cookie, String peer, String content)
      implements CookieRequest {}

  /** {@code Q}: remove all of this peer's registrations from this address. */
  record Quit(int requestId, long cookie, String peer) implements CookieRequest {}

  /** {@code K}: renew every lease of this peer from this address. */
  record Keepalive(int requestId, long cookie, String peer) implements CookieRequest {}

  /** {@code O}: content names after {@code after} (byte order) containing {@code filter}. */
  record ListRequest(int requestId, long cookie, String after, String filter)
      implements CookieRequest {}

  /** {@code S}: up to {@code max} (1–16) providers of {@code content}, round robin. */
  record Locate(int requestId, long cookie, String peer, String content, int max)
      implements CookieRequest {}

  /** {@code Y}: a cookie for the requests that follow. */
  record CookieReply(int requestId, long cookie) implements Reply {}

  /** {@code L}: one page of content names; {@code more} when further names exist. */
  record Listing(int requestId, boolean more, List<ListingEntry> entries) implements Reply {
    public Listing {
      entries = List.copyOf(entries);
    }
  }

  /** One line of a {@link Listing}. */
  record ListingEntry(String content, int providers, long size) {
    /** Bytes this entry takes in a listing datagram. */
    public int wireSize() {
      return WireWriter.strSize(content) + 2 + 8;
    }
  }

  /** {@code P}: where {@code content} (of this size and digest) can be downloaded. */
  record Providers(int requestId, long size, Digest digest, List<Provider> providers)
      implements Reply {
    public Providers {
      providers = List.copyOf(providers);
    }
  }

  /** One provider in a {@link Providers} reply. */
  record Provider(String peer, InetAddress address, int tcpPort) {}

  /** {@code A}: done; the lease for {@code R} and {@code K}, 0 for {@code T} and {@code Q}. */
  record Ack(int requestId, long leaseSeconds) implements Reply {}

  /** {@code E}: refused, with a code and a short message. */
  record ErrorReply(int requestId, ErrorCode code, String message) implements Reply {
    public ErrorReply {
      Objects.requireNonNull(code);
      Objects.requireNonNull(message);
    }
  }
}
