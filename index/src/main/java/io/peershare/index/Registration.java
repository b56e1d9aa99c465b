package io.peershare.index;

/**
 * One provider entry: a peer provides a content on a TCP port since {@code registeredAt}. Its lease
 * ends {@code lease} after the later of {@code registeredAt} and the peer's last keepalive.
 */
record Registration(PeerRegistrations peer, ProviderQueue content, int tcpPort, long registeredAt) {

  long deadline(long leaseMillis) {
    return Math.max(registeredAt, peer.renewedAt()) + leaseMillis;
  }
}
