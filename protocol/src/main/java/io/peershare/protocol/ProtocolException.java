package io.peershare.protocol;

/**
 * The one exception for input that breaks the protocol: truncated, trailing bytes, bad UTF-8, bad
 * names, unknown types or versions. It carries the error code a server answers with
 * (docs/protocol.md §7).
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message, null, false, false); // thrown on hostile input: no stack trace to fill
    this.code = code;
  }

  public static ProtocolException malformed(String message) {
    return new ProtocolException(ErrorCode.MALFORMED, message);
  }

  public ErrorCode code() {
    return code;
  }
}
