package io.peershare.peer.download;

import io.peershare.protocol.ErrorCode;

/**
 * A download that cannot go on. The message is one sentence a person can act on; {@link #code()} is
 * the protocol error behind it, when there is one.
 */
public final class DownloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public DownloadException(String message) {
    this(null, message, null);
  }

  public DownloadException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public DownloadException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The protocol error behind this failure, or null. */
  public ErrorCode code() {
    return code;
  }
}
