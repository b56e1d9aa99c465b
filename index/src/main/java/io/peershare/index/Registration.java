package io.peershare.index;

import io.peershare.protocol.IndexMessage.Provider;

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
  private final Provider provider;
  private final long registeredAt;

  /** Neighbours in the content's circular queue; owned by {@link ProviderQueue}, null outside. */
  Registration prev;

  Registration next;

  Registration(PeerRegistrations peer, ProviderQueue content, int tcpPort, long registeredAt) {
    this.peer = peer;
    this.content = content;
    this.provider = new Provider(peer.name(), peer.ip(), tcpPort);
    this.registeredAt = registeredAt;
  }

  PeerRegistrations peer() {
    return peer;
  }

  ProviderQueue content() {
    return content;
  }

  /** This entry as a locate returns it: made once, so a locate allocates no provider. */
  Provider provider() {
    return provider;
  }

  long deadline(long leaseMillis) {
    return Math.max(registeredAt, peer.renewedAt()) + leaseMillis;
  }
}
