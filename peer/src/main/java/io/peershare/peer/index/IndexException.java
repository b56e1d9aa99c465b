package io.peershare.peer.index;

import io.peershare.protocol.ErrorCode;

/**
 * The index server answered {@code E}, and only that: checks made on this side throw their own
 * exceptions. The message is a plain sentence for a person (for example "the peer name 'mai' is in
 * use from another address"); {@link #code()} is for programs.
 */
public final class IndexException extends Exception {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  /**
   * @param code what the index answered
   * @param message the answer as a sentence for a person
   */
  public IndexException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
