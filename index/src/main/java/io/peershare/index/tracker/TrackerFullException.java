package io.peershare.index.tracker;

/** A new torrent or peer that the {@link SwarmLimits} leave no room for. */
public final class TrackerFullException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrackerFullException(String message) {
    super(message, null, false, false);
  }
}
