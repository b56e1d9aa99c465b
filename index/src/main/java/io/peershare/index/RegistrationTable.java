package io.peershare.index;

/**
 * The registrations by peer and content: a chained hash table threaded through the {@link
 * Registration}s ({@code hashNext}), so finding "does this peer provide this content" costs no map
 * per peer and no node per entry, only a table slot. Peers and contents are compared by identity
 * (the registry holds one object for each); the hash mixes the content's keyed hash and the peer's
 * random salt, so neither can be chosen to fill one chain. Not thread-safe: the registry's lock
 * guards it.
 */
final class RegistrationTable {
  private Registration[] table = new Registration[16];
  private int count;

  private static int hash(PeerRegistrations peer, ProviderQueue content) {
    int h = content.hash() * 0x9e3779b9 + peer.salt();
    return h ^ (h >>> 16);
  }

  /** The entry of {@code peer} for {@code content}, or null. */
  Registration get(PeerRegistrations peer, ProviderQueue content) {
    for (Registration r = table[hash(peer, content) & (table.length - 1)];
        r != null;
        r = r.hashNext) {
      if (r.peer() == peer && r.content() == content) {
        return r;
      }
    }
    return null;
  }

  /** Adds {@code r}; its peer must have no other entry for its content here. */
  void add(Registration r) {
    if (count >= table.length) {
      grow();
    }
    int i = hash(r.peer(), r.content()) & (table.length - 1);
    r.hashNext = table[i];
    table[i] = r;
    count++;
  }

  /** Removes {@code r}, which must be here. */
  void remove(Registration r) {
    int i = hash(r.peer(), r.content()) & (table.length - 1);
    if (table[i] == r) {
      table[i] = r.hashNext;
    } else {
      Registration prev = table[i];
      while (prev.hashNext != r) {
        prev = prev.hashNext;
      }
      prev.hashNext = r.hashNext;
    }
    r.hashNext = null;
    count--;
  }

  private void grow() {
    Registration[] old = table;
    Registration[] bigger = new Registration[old.length * 2];
    int mask = bigger.length - 1;
    for (Registration head : old) {
      for (Registration r = head; r != null; ) {
        Registration next = r.hashNext;
        int i = hash(r.peer(), r.content()) & mask;
        r.hashNext = bigger[i];
        bigger[i] = r;
        r = next;
      }
    }
    table = bigger;
  }
}
