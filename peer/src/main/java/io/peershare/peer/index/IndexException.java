package io.peershare.peer.index;

import io.peershare.protocol.ErrorCode;

/**
 * The index server answered {@code E}. The message is a plain sentence for a person (for example
 * "the peer name 'mai' is in use from another address"); {@link #code()} is for programs.
 */
public final class IndexException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String serverMessage;

  public IndexException(ErrorCode code, String message, String serverMessage) {
    super(message);
    this.code = code;
    this.serverMessage = serverMessage;
  }

  /** A refusal decided on this side, before anything was sent (e.g. a name breaking the rules). */
  public IndexException(ErrorCode code, String message) {
    this(code, message, "");
  }

  public ErrorCode code() {
    return code;
  }

  /** The text the server sent with the code (may be empty or cut short). */
  public String serverMessage() {
    return serverMessage;
  }
}
