package io.peershare.protocol;

import io.peershare.protocol.IndexMessage.Ack;
import io.peershare.protocol.IndexMessage.CookieReply;
import io.peershare.protocol.IndexMessage.Deregister;
import io.peershare.protocol.IndexMessage.ErrorReply;
import io.peershare.protocol.IndexMessage.Hello;
import io.peershare.protocol.IndexMessage.Keepalive;
import io.peershare.protocol.IndexMessage.ListRequest;
import io.peershare.protocol.IndexMessage.Listing;
import io.peershare.protocol.IndexMessage.ListingEntry;
import io.peershare.protocol.IndexMessage.Locate;
import io.peershare.protocol.IndexMessage.Provider;
import io.peershare.protocol.IndexMessage.Providers;
import io.peershare.protocol.IndexMessage.Quit;
import io.peershare.protocol.IndexMessage.Register;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes to {@link IndexMessage} and back, to the byte of docs/protocol.md §3 (one offset table per
 * message in §3.3–§3.14, worked examples beside them).
 *
 * <pre>
 * header   u8 type | u8 version (1) | u32 requestId
 * H        8 bytes padding
 * Y        u64 cookie
 * R        u64 cookie | str peer | str content | u16 tcpPort | u64 size | digest
 * T        u64 cookie | str peer | str content
 * Q, K     u64 cookie | str peer
 * O        u64 cookie | str after | str filter
 * S        u64 cookie | str peer | str content | u8 max (1-16)
 * L        u8 more | u8 count | count x (str content | u16 providers | u64 size)
 * P        u64 size | digest | u8 count | count x (str peer | u8 family | 4/16 bytes | u16 port)
 * A        u32 leaseSeconds
 * E        u16 code | str message
 * </pre>
 */
public final class IndexCodec {
  /** The most providers one {@code S} may ask for (docs/protocol.md §3.9). */
  public static final int MAX_LOCATE = 16;

  private IndexCodec() {}

  /** Decodes a whole datagram. */
  public static IndexMessage decode(byte[] datagram) throws ProtocolException {
    return decode(datagram, 0, datagram.length);
  }

  /**
   * Decodes one datagram, checking in the spec's order: size, version ({@code
   * UNSUPPORTED_VERSION}), type ({@code UNSUPPORTED}), then the body ({@code MALFORMED}). The
   * server's full order, with the rate limit, the cookie and the reply cache between type and body,
   * is docs/protocol.md §4.1.
   */
  public static IndexMessage decode(byte[] buf, int offset, int length) throws ProtocolException {
    if (length < IndexHeader.LENGTH) {
      throw ProtocolException.malformed("a datagram is at least 6 bytes");
    }
    if (length > IndexMessage.MAX_DATAGRAM) {
      throw ProtocolException.malformed("a datagram is at most 1200 bytes");
    }
    if (offset < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException("range outside the buffer");
    }
    int version = IndexHeader.version(buf, offset);
    if (version != IndexMessage.VERSION) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "version " + version);
    }
    IndexType type = IndexHeader.type(buf, offset);
    if (type == IndexType.UNKNOWN) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED, "unknown type " + IndexHeader.typeByte(buf, offset));
    }
    return decodeAfterHeader(type, IndexHeader.requestId(buf, offset), buf, offset, length);
  }

  /**
   * Decodes the rest of a request whose header the caller has read and checked with {@link
   * IndexHeader} (size, version, and a request {@code type}): the cookie and the body, so the
   * header is read once. Throws {@code MALFORMED} for a body that breaks the spec.
   */
  public static IndexMessage.Request decodeRequest(
      IndexType type, int requestId, byte[] buf, int offset, int length) throws ProtocolException {
    if (!type.isRequest()) {
      throw new IllegalArgumentException(type + " is not a request");
    }
    return (IndexMessage.Request) decodeAfterHeader(type, requestId, buf, offset, length);
  }

  private static IndexMessage decodeAfterHeader(
      IndexType type, int requestId, byte[] buf, int offset, int length) throws ProtocolException {
    WireReader r = new WireReader(buf, offset + IndexHeader.LENGTH, length - IndexHeader.LENGTH);
    IndexMessage m = decodeBody(type, requestId, r);
    r.end();
    return m;
  }

  private static IndexMessage decodeBody(IndexType type, int id, WireReader r)
      throws ProtocolException {
    return switch (type) {
      case HELLO -> {
        r.u64("padding");
        yield new Hello(id);
      }
      case COOKIE -> new CookieReply(id, r.u64("cookie"));
      case REGISTER -> {
        long cookie = r.u64("cookie");
        PeerName peer = r.peerName("peer");
        ContentName content = r.contentName("content");
        int port = r.u16("tcpPort");
        if (port == 0) {
          throw ProtocolException.malformed("tcpPort 0");
        }
        long size = r.u63("size");
        yield new Register(id, cookie, peer, content, port, size, r.digest("digest"));
      }
      case DEREGISTER ->
          new Deregister(id, r.u64("cookie"), r.peerName("peer"), r.contentName("content"));
      case QUIT -> new Quit(id, r.u64("cookie"), r.peerName("peer"));
      case KEEPALIVE -> new Keepalive(id, r.u64("cookie"), r.peerName("peer"));
      case LIST -> new ListRequest(id, r.u64("cookie"), r.str("after"), r.str("filter"));
      case LOCATE -> {
        long cookie = r.u64("cookie");
        PeerName peer = r.peerName("peer");
        ContentName content = r.contentName("content");
        int max = r.u8("max");
        if (max < 1 || max > MAX_LOCATE) {
          throw ProtocolException.malformed("max must be 1 to 16, not " + max);
        }
        yield new Locate(id, cookie, peer, content, max);
      }
      case LISTING -> decodeListing(id, r);
      case PROVIDERS -> decodeProviders(id, r);
      case ACK -> new Ack(id, r.u32("leaseSeconds"));
      case ERROR -> new ErrorReply(id, ErrorCode.of(r.u16("code")), r.str("message"));
      case UNKNOWN -> throw new ProtocolException(ErrorCode.UNSUPPORTED, "unknown type");
    };
  }

  private static Listing decodeListing(int id, WireReader r) throws ProtocolException {
    int more = r.u8("more");
    if (more > 1) {
      throw ProtocolException.malformed("more must be 0 or 1");
    }
    int count = r.u8("count");
    List<ListingEntry> entries = new ArrayList<>(Math.min(count, r.remaining() / 11));
    for (int i = 0; i < count; i++) {
      entries.add(new ListingEntry(r.contentName("content"), r.u16("providers"), r.u63("size")));
    }
    return new Listing(id, more == 1, entries);
  }

  private static Providers decodeProviders(int id, WireReader r) throws ProtocolException {
    long size = r.u63("size");
    Digest digest = r.digest("digest");
    int count = r.u8("count");
    List<Provider> providers = new ArrayList<>(Math.min(count, r.remaining() / 9));
    for (int i = 0; i < count; i++) {
      PeerName peer = r.peerName("peer");
      int family = r.u8("family");
      byte[] addr =
          switch (family) {
            case 4 -> r.bytes(4, "IPv4 address");
            case 6 -> r.bytes(16, "IPv6 address");
            default -> throw ProtocolException.malformed("address family must be 4 or 6");
          };
      int port = r.u16("tcpPort");
      if (port == 0) {
        throw ProtocolException.malformed("tcpPort 0");
      }
      providers.add(new Provider(peer, toAddress(addr), port));
    }
    return new Providers(id, size, digest, providers);
  }

  private static InetAddress toAddress(byte[] addr) throws ProtocolException {
    try {
      InetAddress a = InetAddress.getByAddress(addr);
      if (addr.length == 16 && a instanceof Inet4Address) {
        // getByAddress folds ::ffff:a.b.c.d to IPv4; keep what the wire said
        return Inet6Address.getByAddress(null, addr, null);
      }
      return a;
    } catch (UnknownHostException e) {
      throw ProtocolException.malformed("bad address");
    }
  }

  /**
   * Encodes a message.
   *
   * @throws IllegalArgumentException when a number is out of its range or the datagram would pass
   *     1200 bytes; encoders are given valid records, so this is a bug in the caller (names are
   *     valid by their type)
   */
  public static byte[] encode(IndexMessage m) {
    WireWriter w = new WireWriter(64);
    encode(m, w);
    return w.toBytes();
  }

  /**
   * Encodes a message into {@code w}, which is reset first: a server thread keeps one writer and
   * encodes every reply into its array without allocating one per message.
   *
   * @throws IllegalArgumentException as {@link #encode(IndexMessage)}
   */
  public static void encode(IndexMessage m, WireWriter w) {
    w.reset();
    w.u8(m.type()).u8(IndexMessage.VERSION).u32Bits(m.requestId()); // IndexHeader's layout
    switch (m) {
      case Hello h -> w.u64(0);
      case CookieReply y -> w.u64(y.cookie());
      case Register x -> {
        requirePort(x.tcpPort());
        requireSize(x.size());
        w.u64(x.cookie()).str(x.peer()).str(x.content()).u16(x.tcpPort()).u64(x.size());
        w.digest(x.digest());
      }
      case Deregister x -> w.u64(x.cookie()).str(x.peer()).str(x.content());
      case Quit x -> w.u64(x.cookie()).str(x.peer());
      case IndexMessage.Keepalive x -> w.u64(x.cookie()).str(x.peer());
      case ListRequest x -> w.u64(x.cookie()).str(x.after()).str(x.filter());
      case Locate x -> {
        if (x.max() < 1 || x.max() > MAX_LOCATE) {
          throw new IllegalArgumentException("max must be 1 to 16");
        }
        w.u64(x.cookie()).str(x.peer()).str(x.content()).u8(x.max());
      }
      case Listing x -> {
        w.u8(x.more() ? 1 : 0).u8(x.entries().size());
        for (ListingEntry e : x.entries()) {
          requireSize(e.size());
          w.str(e.content()).u16(e.providers()).u64(e.size());
        }
      }
      case Providers x -> {
        w.u64(requireSize(x.size())).digest(x.digest()).u8(x.providers().size());
        for (Provider p : x.providers()) {
          requirePort(p.tcpPort());
          byte[] addr = p.address().getAddress();
          w.str(p.peer()).u8(addr.length == 4 ? 4 : 6).raw(addr).u16(p.tcpPort());
        }
      }
      case IndexMessage.Ack x -> w.u32(x.leaseSeconds());
      case IndexMessage.ErrorReply x -> w.u16(x.code().code()).str(x.message());
    }
    if (w.length() > IndexMessage.MAX_DATAGRAM) {
      throw new IllegalArgumentException("datagram of " + w.length() + " bytes passes 1200");
    }
  }

  /**
   * Encodes an {@code E} reply no longer than {@code maxLength}: the message is cut (at a UTF-8
   * character boundary, to nothing if need be). Returns null when even an empty error (9 bytes)
   * would be longer: then no reply may be sent (docs/protocol.md §4.3, §3.14).
   */
  public static byte[] encodeError(int requestId, ErrorCode code, String message, int maxLength) {
    int room = Math.min(255, maxLength - 9);
    if (room < 0) {
      return null;
    }
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, room);
    while (n > 0 && n < text.length && (text[n] & 0xc0) == 0x80) {
      n--; // do not split a character
    }
    String cut = new String(text, 0, n, StandardCharsets.UTF_8);
    return encode(new ErrorReply(requestId, code, cut));
  }

  private static void requirePort(int port) {
    if (port <= 0 || port > 0xffff) {
      throw new IllegalArgumentException("tcpPort must be 1-65535, not " + port);
    }
  }

  /** Sizes are u64 on the wire but at most Long.MAX_VALUE here; the decoder refuses the rest. */
  private static long requireSize(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative size");
    }
    return size;
  }
}
