package io.peershare.peer;

import java.io.IOException;

/** A peer of this name already runs on this host and talks to the same index node. */
public final class NameInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long holder;

  NameInUseException(String peer, String indexNode, long holder) {
    super(
        "the peer '"
            + peer
            + "' is already running on this host"
            + (holder > 0 ? " (process " + holder + ")" : "")
            + " with the index "
            + indexNode
            + "; quit it first, or choose another name");
    this.holder = holder;
  }

  /** The process id of the running peer, or -1 when it could not be read. */
  public long holder() {
    return holder;
  }
}
