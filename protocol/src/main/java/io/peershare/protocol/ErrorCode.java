package io.peershare.protocol;

/**
 * The protocol's error codes, shared by the index ({@code E} datagrams, docs/protocol.md §3.14) and
 * transfer answers (§6.7); the table of them all is §7. Each constant cites where it arises.
 */
public enum ErrorCode {
  /**
   * Code 1: a message cannot be decoded or breaks a name rule, or a {@code D} range lies outside
   * the file (docs/protocol.md §7; §1.2, §2, §6.9).
   */
  MALFORMED(1),
  /** Code 2: the version byte is not 1 (docs/protocol.md §7; §4.1, §6.8). */
  UNSUPPORTED_VERSION(2),
  /**
   * Code 3: an unknown message type, or a reply type sent as a request (docs/protocol.md §7; §4.1,
   * §6.8).
   */
  UNSUPPORTED(3),
  /**
   * Code 4: the cookie is missing, stale or forged: the client sends {@code H} again
   * (docs/protocol.md §7; §4.2, §5.2).
   */
  BAD_COOKIE(4),
  /** Code 5: the peer name is in use from another IP address (docs/protocol.md §7; §3.4). */
  NAME_TAKEN(5),
  /** Code 6: this peer already provides this content (docs/protocol.md §7; §3.4). */
  ALREADY_REGISTERED(6),
  /**
   * Code 7: no such content, or no registration of this peer from this address (docs/protocol.md
   * §7; §3.5, §3.7, §3.9, §6.8).
   */
  NOT_FOUND(7),
  /** Code 8: the registration belongs to another peer or IP address (docs/protocol.md §7; §3.5). */
  NOT_OWNER(8),
  /**
   * Code 9: size or digest differ from the content's other providers, or the shared file changed
   * (docs/protocol.md §7; §3.4, §6.10).
   */
  CONFLICT(9),
  /**
   * Code 10: a server limit was reached: registrations, rate, connections (docs/protocol.md §7;
   * §4.6, §6.11).
   */
  LIMIT(10),
  /** Code 11: the server failed; the request may be tried again (docs/protocol.md §7). */
  INTERNAL(11);

  private static final ErrorCode[] BY_CODE = new ErrorCode[12];

  static {
    for (ErrorCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The wire value ({@code u16}). */
  public int code() {
    return code;
  }

  /**
   * The code for a wire value.
   *
   * @throws ProtocolException MALFORMED for a value the protocol does not define
   */
  public static ErrorCode of(int code) throws ProtocolException {
    if (code <= 0 || code >= BY_CODE.length) {
      throw new ProtocolException(MALFORMED, "unknown error code " + code);
    }
    return BY_CODE[code];
  }
}
