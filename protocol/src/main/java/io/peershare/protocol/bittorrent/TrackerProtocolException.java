package io.peershare.protocol.bittorrent;

/** A BitTorrent tracker request that breaks BEP 15; the message goes into the error reply. */
public final class TrackerProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public TrackerProtocolException(String message) {
    super(message, null, false, false); // thrown on hostile input: no stack trace to fill
  }
}
