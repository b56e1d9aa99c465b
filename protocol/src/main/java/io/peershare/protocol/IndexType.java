package io.peershare.protocol;

/** The index protocol's message types and their ASCII letters. */
public enum IndexType {
  HELLO('H', true),
  REGISTER('R', true),
  DEREGISTER('T', true),
  QUIT('Q', true),
  KEEPALIVE('K', true),
  LIST('O', true),
  LOCATE('S', true),
  COOKIE('Y', false),
  LISTING('L', false),
  PROVIDERS('P', false),
  ACK('A', false),
  ERROR('E', false);

  private static final IndexType[] BY_LETTER = new IndexType[128];

  static {
    for (IndexType t : values()) {
      BY_LETTER[t.letter] = t;
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

  /** The type for a wire byte, or null when the protocol has none. */
  public static IndexType ofByte(int b) {
    return b >= 0 && b < BY_LETTER.length ? BY_LETTER[b] : null;
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
