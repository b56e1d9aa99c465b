package io.peershare.index;

/**
 * The registrations by peer and content: a chained hash table threaded through the {@link
 * Registration}s ({@code hashNext}), so finding "does this peer provide this content" costs no map
 * per peer and no node per entry, only a table slot. Peers and contents are compared by identity
 * (the registry holds one object for each); the hash mixes the content's keyed hash and the peer's
 * random salt, so neither can be chosen to fill one chain. It doubles a few buckets at a time
 * ({@link ChainedTable}). Not thread-safe: the registry's lock guards it.
 */
final class RegistrationTable extends ChainedTable<Registration> {
  private static int hash(PeerRegistrations peer, ProviderQueue content) {
    int h = content.hash() * 0x9e3779b9 + peer.salt();
    return h ^ (h >>> 16);
  }

  /** The entry of {@code peer} for {@code content}, or null. */
  Registration get(PeerRegistrations peer, ProviderQueue content) {
    int h = hash(peer, content);
    Registration r = find(oldChain(h), peer, content);
    return r != null ? r : find(chain(h), peer, content);
  }

  private static Registration find(
      Registration chain, PeerRegistrations peer, ProviderQueue content) {
    for (Registration r = chain; r != null; r = r.hashNext) {
      if (r.peer() == peer && r.content() == content) {
        return r;
      }
    }
    return null;
  }

  /** Adds {@code r}; its peer must have no other entry for its content here. */
  void add(Registration r) {
    link(r);
  }

  /** Removes {@code r}, which must be here. */
  void remove(Registration r) {
    unlink(r);
  }

  @Override
  int hashOf(Registration r) {
    return hash(r.peer(), r.content());
  }

  @Override
  Registration next(Registration r) {
    return r.hashNext;
  }

  @Override
  void setNext(Registration r, Registration next) {
    r.hashNext = next;
  }

  @Override
  Registration[] newArray(int length) {
    return new Registration[length];
  }
}
