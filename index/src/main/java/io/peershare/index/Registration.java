package io.peershare.index;

import io.peershare.protocol.IndexMessage.Provider;

/**
 * One provider entry: a peer provides a content on a TCP port since {@code registeredAt}. Its lease
 * ends {@code lease} after the later of {@code registeredAt} and the peer's last keepalive.
 *
 * <p>It is a node of three intrusive structures, so that it is the only object a registration
 * costs: its content's {@link ProviderQueue} ({@code prev}, {@code next}: rotating and removing
 * allocate nothing, see there why), its peer's {@link PeerRegistrations} in order of registration
 * ({@code older}, {@code newer}) and the registry's {@link RegistrationTable} by peer and content
 * ({@code hashNext}).
 */
final class Registration {
  private final PeerRegistrations peer;
  private final ProviderQueue content;
  private final Provider provider;
  private final long registeredAt;

  /** Neighbours in the content's circular queue; owned by {@link ProviderQueue}, null outside. */
  Registration prev;

  Registration next;

  /** Neighbours in the peer's list, oldest first; owned by {@link PeerRegistrations}. */
  Registration older;

  Registration newer;

  /** The next entry in the same {@link RegistrationTable} chain. */
  Registration hashNext;

  Registration(PeerRegistrations peer, ProviderQueue content, int tcpPort, long registeredAt) {
    this.peer = peer;
    this.content = content;
    this.provider = peer.provider(tcpPort);
    this.registeredAt = registeredAt;
  }

  PeerRegistrations peer() {
    return peer;
  }

  ProviderQueue content() {
    return content;
  }

  /** This entry as a locate returns it: shared by the peer's entries on one port, made once. */
  Provider provider() {
    return provider;
  }

  long deadline(long leaseMillis) {
    return Math.max(registeredAt, peer.renewedAt()) + leaseMillis;
  }
}
