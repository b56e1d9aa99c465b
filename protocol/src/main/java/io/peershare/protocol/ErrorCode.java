package io.peershare.protocol;

/** The protocol's error codes, shared by the index ({@code E} datagrams) and transfer answers. */
public enum ErrorCode {
  MALFORMED(1, "message cannot be decoded or breaks a name rule"),
  UNSUPPORTED_VERSION(2, "protocol version is not 1"),
  UNSUPPORTED(3, "unknown message type"),
  BAD_COOKIE(4, "missing, stale or forged cookie"),
  NAME_TAKEN(5, "the peer name is in use from another IP address"),
  ALREADY_REGISTERED(6, "this peer already provides this content"),
  NOT_FOUND(7, "no such content or registration"),
  NOT_OWNER(8, "the registration belongs to another peer or IP address"),
  CONFLICT(9, "size or digest differs from the content's other providers, or the file changed"),
  LIMIT(10, "a server limit was reached"),
  INTERNAL(11, "the server failed; the request may be retried");

  private static final ErrorCode[] BY_CODE = new ErrorCode[12];

  static {
    for (ErrorCode c : values()) {
      BY_CODE[c.code] = c;
    }
  }

  private final int code;
  private final String description;

  ErrorCode(int code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The wire value ({@code u16}). */
  public int code() {
    return code;
  }

  /** A plain sentence saying what the code means. */
  public String description() {
    return description;
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
