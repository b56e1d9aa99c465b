package io.peershare.protocol.bittorrent;

import io.peershare.protocol.bittorrent.TrackerMessage.Announce;
import io.peershare.protocol.bittorrent.TrackerMessage.Announced;
import io.peershare.protocol.bittorrent.TrackerMessage.Connect;
import io.peershare.protocol.bittorrent.TrackerMessage.Connected;
import io.peershare.protocol.bittorrent.TrackerMessage.Event;
import io.peershare.protocol.bittorrent.TrackerMessage.Failure;
import io.peershare.protocol.bittorrent.TrackerMessage.Reply;
import io.peershare.protocol.bittorrent.TrackerMessage.Request;
import io.peershare.protocol.bittorrent.TrackerMessage.Scrape;
import io.peershare.protocol.bittorrent.TrackerMessage.ScrapeCounts;
import io.peershare.protocol.bittorrent.TrackerMessage.Scraped;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bytes to {@link TrackerMessage} and back, as BEP 15 lays them out (big-endian), with the BEP 41
 * options an announce may carry. See docs/bittorrent-tracker.md for the readings.
 *
 * <pre>
 * requests   u64 connection_id (connect: protocol_id) | u32 action | u32 transaction_id | body
 *   connect  (nothing)                                                              16 bytes
 *   announce info_hash[20] | peer_id[20] | u64 downloaded | u64 left | u64 uploaded
 *            | u32 event | u32 ip | u32 key | i32 num_want | u16 port | BEP 41 options  98+
 *   scrape   n x info_hash[20]                                                   16 + 20 n
 * replies    u32 action | u32 transaction_id | body
 *   connect  u64 connection_id                                                      16 bytes
 *   announce u32 interval | u32 leechers | u32 seeders | n x (ip[4 or 16] | u16 port)
 *   scrape   n x (u32 seeders | u32 completed | u32 leechers)
 *   error    message (the rest of the datagram)
 * options    u8 type: 0 end, 1 nop, 2 URLData (u8 length | bytes); others u8 length | bytes
 * </pre>
 */
public final class TrackerCodec {
  /** The shortest request: connect, and the header every request starts with. */
  public static final int HEADER_SIZE = 16;

  /** An announce without BEP 41 options. */
  public static final int ANNOUNCE_SIZE = 98;

  /** The most info hashes one scrape is answered for ("up to about 74", BEP 15). */
  public static final int MAX_SCRAPE = 74;

  /**
   * The longest reply: fits one unfragmented datagram on any IPv6 path (minimum MTU 1280, less 48
   * bytes of IPv6 and UDP headers), as the index's datagrams do.
   */
  public static final int MAX_REPLY = 1200;

  /** An announce reply before its peers. */
  public static final int ANNOUNCED_HEADER = 20;

  public static final int PEER_SIZE_V4 = 6;
  public static final int PEER_SIZE_V6 = 18;

  /** Peers in one announce reply: 196 of IPv4, 65 of IPv6. */
  public static final int MAX_PEERS_V4 = (MAX_REPLY - ANNOUNCED_HEADER) / PEER_SIZE_V4;

  public static final int MAX_PEERS_V6 = (MAX_REPLY - ANNOUNCED_HEADER) / PEER_SIZE_V6;

  static final int ACTION_OFFSET = 8;
  static final int TRANSACTION_OFFSET = 12;
  private static final int URL_DATA = 2;

  private TrackerCodec() {}

  /** A request's {@code action}, read without decoding the rest ({@code length >= 16}). */
  public static int action(byte[] buf, int offset) {
    return ByteBuffer.wrap(buf).getInt(offset + ACTION_OFFSET);
  }

  /** A request's {@code transaction_id} ({@code length >= 16}). */
  public static int transactionId(byte[] buf, int offset) {
    return ByteBuffer.wrap(buf).getInt(offset + TRANSACTION_OFFSET);
  }

  /** A request's first 8 bytes: the connection id, or a connect's protocol id. */
  public static long connectionId(byte[] buf, int offset) {
    return ByteBuffer.wrap(buf).getLong(offset);
  }

  /** Decodes a whole request datagram. */
  public static Request decodeRequest(byte[] datagram) throws TrackerProtocolException {
    return decodeRequest(datagram, 0, datagram.length);
  }

  /**
   * Decodes one request. Bytes past a connect's 16 and past an announce's options are ignored, as
   * BEP 15 asks ("do not expect packets to be exactly of a certain size").
   */
  public static Request decodeRequest(byte[] buf, int offset, int length)
      throws TrackerProtocolException {
    if (length < HEADER_SIZE) {
      throw new TrackerProtocolException("a request is at least 16 bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(buf, offset, length).slice();
    long connectionId = b.getLong();
    int action = b.getInt();
    int transactionId = b.getInt();
    return switch (action) {
      case 0 -> {
        if (connectionId != TrackerMessage.PROTOCOL_ID) {
          throw new TrackerProtocolException("a connect request starts with the protocol id");
        }
        yield new Connect(transactionId);
      }
      case 1 -> announce(b, connectionId, transactionId);
      case 2 -> scrape(b, connectionId, transactionId);
      default -> throw new TrackerProtocolException("unknown action " + action);
    };
  }

  private static Announce announce(ByteBuffer b, long connectionId, int transactionId)
      throws TrackerProtocolException {
    if (b.limit() < ANNOUNCE_SIZE) {
      throw new TrackerProtocolException("an announce is 98 bytes");
    }
    InfoHash infoHash = InfoHash.read(b);
    String peerId = latin1(b, 20);
    long downloaded = b.getLong();
    long left = b.getLong();
    long uploaded = b.getLong();
    int eventCode = b.getInt();
    Event event = Event.ofCode(eventCode);
    if (event == null) {
      throw new TrackerProtocolException("unknown event " + eventCode);
    }
    int ip = b.getInt();
    int key = b.getInt();
    int numWant = b.getInt();
    int port = Short.toUnsignedInt(b.getShort());
    return new Announce(
        connectionId,
        transactionId,
        infoHash,
        peerId,
        downloaded,
        left,
        uploaded,
        event,
        ip,
        key,
        numWant,
        port,
        urlData(b));
  }

  /**
   * The URLData of the BEP 41 options from {@code b}'s position on. Options end at an EndOfOptions,
   * at the end of the datagram, or where one is cut short: what came before it still counts, as the
   * request itself is whole.
   */
  private static String urlData(ByteBuffer b) {
    StringBuilder url = new StringBuilder();
    while (b.hasRemaining()) {
      int type = Byte.toUnsignedInt(b.get());
      if (type == 0) {
        break;
      }
      if (type == 1) {
        continue;
      }
      if (!b.hasRemaining()) {
        break;
      }
      int n = Byte.toUnsignedInt(b.get());
      if (b.remaining() < n) {
        break;
      }
      if (type == URL_DATA) {
        url.append(latin1(b, n));
      } else {
        b.position(b.position() + n); // an option this tracker does not know: skipped
      }
    }
    return url.toString();
  }

  private static Scrape scrape(ByteBuffer b, long connectionId, int transactionId)
      throws TrackerProtocolException {
    int bytes = b.remaining();
    if (bytes == 0) {
      throw new TrackerProtocolException("name at least one info hash (no full scrape)");
    }
    if (bytes % InfoHash.SIZE != 0) {
      throw new TrackerProtocolException("info hashes are 20 bytes each");
    }
    List<InfoHash> hashes = new ArrayList<>(bytes / InfoHash.SIZE);
    while (b.hasRemaining()) {
      hashes.add(InfoHash.read(b));
    }
    return new Scrape(connectionId, transactionId, hashes);
  }

  /** A request as a client sends it (BEP 41 URL data in options of up to 255 bytes each). */
  public static byte[] encode(Request request) {
    return switch (request) {
      case Connect c ->
          header(HEADER_SIZE, TrackerMessage.PROTOCOL_ID, 0, c.transactionId()).array();
      case Announce a -> {
        byte[] url = a.urlData().getBytes(StandardCharsets.ISO_8859_1);
        int options = url.length == 0 ? 0 : url.length + 2 * ceilDiv(url.length, 255) + 1;
        ByteBuffer b = header(ANNOUNCE_SIZE + options, a.connectionId(), 1, a.transactionId());
        a.infoHash().write(b);
        b.put(a.peerId().getBytes(StandardCharsets.ISO_8859_1));
        b.putLong(a.downloaded()).putLong(a.left()).putLong(a.uploaded());
        b.putInt(a.event().code()).putInt(a.ipAddress()).putInt(a.key()).putInt(a.numWant());
        b.putShort((short) a.port());
        for (int at = 0; at < url.length; at += 255) {
          int n = Math.min(255, url.length - at);
          b.put((byte) URL_DATA).put((byte) n).put(url, at, n);
        }
        if (url.length > 0) {
          b.put((byte) 0);
        }
        yield b.array();
      }
      case Scrape s -> {
        ByteBuffer b =
            header(
                HEADER_SIZE + InfoHash.SIZE * s.infoHashes().size(),
                s.connectionId(),
                2,
                s.transactionId());
        s.infoHashes().forEach(h -> h.write(b));
        yield b.array();
      }
    };
  }

  private static ByteBuffer header(int size, long connectionId, int action, int transactionId) {
    return ByteBuffer.allocate(size).putLong(connectionId).putInt(action).putInt(transactionId);
  }

  /** The 16-byte connect reply. */
  public static byte[] connected(int transactionId, long connectionId) {
    return ByteBuffer.allocate(16).putInt(0).putInt(transactionId).putLong(connectionId).array();
  }

  /**
   * An announce reply around peers already in wire form ({@code compactPeers}: 6 or 18 bytes each).
   */
  public static byte[] announced(
      int transactionId, int interval, int leechers, int seeders, byte[] compactPeers) {
    byte[] out = new byte[ANNOUNCED_HEADER + compactPeers.length];
    announced(out, transactionId, interval, leechers, seeders, compactPeers);
    return out;
  }

  /**
   * Writes the announce reply into {@code out} from its start (a server's buffer of {@link
   * #MAX_REPLY} bytes, reused); returns its length.
   */
  public static int announced(
      byte[] out, int transactionId, int interval, int leechers, int seeders, byte[] compactPeers) {
    putInt(out, 0, 1);
    putInt(out, 4, transactionId);
    putInt(out, 8, interval);
    putInt(out, 12, leechers);
    putInt(out, 16, seeders);
    System.arraycopy(compactPeers, 0, out, ANNOUNCED_HEADER, compactPeers.length);
    return ANNOUNCED_HEADER + compactPeers.length;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** A scrape reply. */
  public static byte[] scraped(int transactionId, List<ScrapeCounts> counts) {
    ByteBuffer b = ByteBuffer.allocate(8 + 12 * counts.size()).putInt(2).putInt(transactionId);
    for (ScrapeCounts c : counts) {
      b.putInt(c.seeders()).putInt(c.completed()).putInt(c.leechers());
    }
    return b.array();
  }

  /**
   * An error reply of at most {@code maxLength} bytes (at least 8): the message is cut to fit. The
   * message is one byte per char (ISO-8859-1); the tracker's own are ASCII text, so that no reply
   * of ours reads as a request to another tracker (docs/bittorrent-tracker.md, reflection).
   */
  public static byte[] failure(int transactionId, String message, int maxLength) {
    byte[] text = message.getBytes(StandardCharsets.ISO_8859_1);
    int n = Math.max(0, Math.min(text.length, maxLength - 8));
    return ByteBuffer.allocate(8 + n).putInt(3).putInt(transactionId).put(text, 0, n).array();
  }

  /** A reply as the tracker sends it; for tests and load generators. */
  public static byte[] encode(Reply reply) {
    return switch (reply) {
      case Connected c -> connected(c.transactionId(), c.connectionId());
      case Announced a ->
          announced(a.transactionId(), a.interval(), a.leechers(), a.seeders(), compact(a.peers()));
      case Scraped s -> scraped(s.transactionId(), s.counts());
      case Failure f -> failure(f.transactionId(), f.message(), Integer.MAX_VALUE);
    };
  }

  /** Peers in wire form: 4 or 16 address bytes, then the port. */
  public static byte[] compact(List<InetSocketAddress> peers) {
    ByteBuffer b = ByteBuffer.allocate(peers.size() * PEER_SIZE_V6);
    for (InetSocketAddress p : peers) {
      b.put(p.getAddress().getAddress()).putShort((short) p.getPort());
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  /**
   * Decodes a reply; {@code ipv6} tells the stride of an announce reply's peers, which the datagram
   * does not carry (BEP 15: the family of the datagram's own addresses).
   */
  public static Reply decodeReply(byte[] buf, int offset, int length, boolean ipv6)
      throws TrackerProtocolException {
    if (length < 8) {
      throw new TrackerProtocolException("a reply is at least 8 bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(buf, offset, length).slice();
    int action = b.getInt();
    int transactionId = b.getInt();
    switch (action) {
      case 0 -> {
        if (b.remaining() < 8) {
          throw new TrackerProtocolException("a connect reply is 16 bytes");
        }
        return new Connected(transactionId, b.getLong());
      }
      case 1 -> {
        int stride = ipv6 ? PEER_SIZE_V6 : PEER_SIZE_V4;
        if (b.remaining() < 12 || (b.remaining() - 12) % stride != 0) {
          throw new TrackerProtocolException("an announce reply is 20 + " + stride + " n bytes");
        }
        int interval = b.getInt();
        int leechers = b.getInt();
        int seeders = b.getInt();
        List<InetSocketAddress> peers = new ArrayList<>();
        byte[] ip = new byte[stride - 2];
        while (b.hasRemaining()) {
          b.get(ip);
          peers.add(new InetSocketAddress(address(ip), Short.toUnsignedInt(b.getShort())));
        }
        return new Announced(transactionId, interval, leechers, seeders, peers);
      }
      case 2 -> {
        if (b.remaining() % 12 != 0) {
          throw new TrackerProtocolException("a scrape reply is 8 + 12 n bytes");
        }
        List<ScrapeCounts> counts = new ArrayList<>();
        while (b.hasRemaining()) {
          counts.add(new ScrapeCounts(b.getInt(), b.getInt(), b.getInt()));
        }
        return new Scraped(transactionId, counts);
      }
      case 3 -> {
        return new Failure(transactionId, latin1(b, b.remaining()));
      }
      default -> throw new TrackerProtocolException("unknown action " + action);
    }
  }

  private static InetAddress address(byte[] ip) {
    try {
      return InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are an address", e);
    }
  }

  private static String latin1(ByteBuffer b, int n) {
    byte[] bytes = new byte[n];
    b.get(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
