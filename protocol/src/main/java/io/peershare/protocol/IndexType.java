package io.peershare.protocol;

/**
 * The index protocol's message types and their ASCII letters (docs/protocol.md §3.2). Each constant
 * cites the section that lays out its message, as Netty's {@code DnsRecordType} cites RFCs. A byte
 * that names no type maps to {@link #UNKNOWN}, never to null (as {@code DnsRecordType.valueOf}), so
 * a switch over a received type always has a case to take.
 */
public enum IndexType {
  /** {@code H} hello: asks for a cookie (docs/protocol.md §3.3). */
  HELLO('H', true),
  /** {@code R} register: this peer provides a content on a TCP port (docs/protocol.md §3.4). */
  REGISTER('R', true),
  /** {@code T} deregister: this peer no longer provides a content (docs/protocol.md §3.5). */
  DEREGISTER('T', true),
  /**
   * {@code Q} quit: remove all of this peer's registrations from this address (docs/protocol.md
   * §3.6).
   */
  QUIT('Q', true),
  /**
   * {@code K} keepalive: renew every lease of this peer from this address (docs/protocol.md §3.7).
   */
  KEEPALIVE('K', true),
  /** {@code O} list: content names after a name, containing a filter (docs/protocol.md §3.8). */
  LIST('O', true),
  /** {@code S} locate: up to 16 providers of a content, round robin (docs/protocol.md §3.9). */
  LOCATE('S', true),
  /** {@code Y} cookie: the reply to {@code H} (docs/protocol.md §3.10). */
  COOKIE('Y', false),
  /**
   * {@code L} listing: one page of content names, the reply to {@code O} (docs/protocol.md §3.11).
   */
  LISTING('L', false),
  /**
   * {@code P} providers: size, digest and where to download, the reply to {@code S}
   * (docs/protocol.md §3.12).
   */
  PROVIDERS('P', false),
  /**
   * {@code A} ack: done, with the lease; the reply to {@code R}, {@code T}, {@code Q}, {@code K}
   * (docs/protocol.md §3.13).
   */
  ACK('A', false),
  /** {@code E} error: a code and a message (docs/protocol.md §3.14, codes §7). */
  ERROR('E', false),
  /** Any other byte: not a message type; a server answers it {@code UNSUPPORTED} (§4.1). */
  UNKNOWN('\0', false);

  private static final IndexType[] BY_LETTER = new IndexType[128];

  static {
    java.util.Arrays.fill(BY_LETTER, UNKNOWN);
    for (IndexType t : values()) {
      if (t != UNKNOWN) {
        BY_LETTER[t.letter] = t;
      }
    }
  }

  private final char letter;
  private final boolean request;

  IndexType(char letter, boolean request) {
    this.letter = letter;
    this.request = request;
  }

  public char letter() {
    return letter;
  }

  /** True for the types a peer sends to the index. */
  public boolean isRequest() {
    return request;
  }

  /** The type for a wire byte; {@link #UNKNOWN} when the protocol has none. */
  public static IndexType ofByte(int b) {
    return b >= 0 && b < BY_LETTER.length ? BY_LETTER[b] : UNKNOWN;
  }

  public static IndexType of(IndexMessage m) {
    return switch (m) {
      case IndexMessage.Hello h -> HELLO;
      case IndexMessage.Register r -> REGISTER;
      case IndexMessage.Deregister t -> DEREGISTER;
      case IndexMessage.Quit q -> QUIT;
      case IndexMessage.Keepalive k -> KEEPALIVE;
      case IndexMessage.ListRequest o -> LIST;
      case IndexMessage.Locate s -> LOCATE;
      case IndexMessage.CookieReply y -> COOKIE;
      case IndexMessage.Listing l -> LISTING;
      case IndexMessage.Providers p -> PROVIDERS;
      case IndexMessage.Ack a -> ACK;
      case IndexMessage.ErrorReply e -> ERROR;
    };
  }
}
