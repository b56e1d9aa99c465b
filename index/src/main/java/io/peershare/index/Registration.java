package io.peershare.index;

/**
 * One provider entry: a peer provides a content on a TCP port since {@code registeredAt}. Its lease
 * ends {@code lease} after the later of {@code registeredAt} and the peer's last keepalive.
 *
 * <p>It is also a node of its content's {@link ProviderQueue}: the queue links its entries through
 * {@code prev} and {@code next}, so that rotating and removing allocate nothing (see there why).
 */
final class Registration {
  private final PeerRegistrations peer;
  private final ProviderQueue content;
  private final int tcpPort;
  private final long registeredAt;

  /** Neighbours in the content's circular queue; owned by {@link ProviderQueue}, null outside. */
  Registration prev;

  Registration next;

  Registration(PeerRegistrations peer, ProviderQueue content, int tcpPort, long registeredAt) {
    this.peer = peer;
    this.content = content;
    this.tcpPort = tcpPort;
    this.registeredAt = registeredAt;
  }

  PeerRegistrations peer() {
    return peer;
  }

  ProviderQueue content() {
    return content;
  }

  int tcpPort() {
    return tcpPort;
  }

  long deadline(long leaseMillis) {
    return Math.max(registeredAt, peer.renewedAt()) + leaseMillis;
  }
}
