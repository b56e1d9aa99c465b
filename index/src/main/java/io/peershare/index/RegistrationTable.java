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

  /**
   * The table before the last doubling while its buckets move over, {@link
   * NameTable#MOVE_PER_CHANGE} per add and remove (as in {@link NameTable}: doubling in one go held
   * the registry's lock for the whole move), else null.
   */
  private Registration[] old;

  /** The buckets of {@link #old} below this are moved (and empty). */
  private int moved;

  /** Entries the last add or remove moved between tables (tests). */
  private int lastMoved;

  private int count;

  private static int hash(PeerRegistrations peer, ProviderQueue content) {
    int h = content.hash() * 0x9e3779b9 + peer.salt();
    return h ^ (h >>> 16);
  }

  /** The entry of {@code peer} for {@code content}, or null. */
  Registration get(PeerRegistrations peer, ProviderQueue content) {
    int h = hash(peer, content);
    Registration[] o = old;
    if (o != null && (h & (o.length - 1)) >= moved) {
      Registration r = find(o[h & (o.length - 1)], peer, content);
      if (r != null) {
        return r;
      }
    }
    return find(table[h & (table.length - 1)], peer, content);
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
    lastMoved = 0;
    moveSome(NameTable.MOVE_PER_CHANGE);
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
    lastMoved = 0;
    moveSome(NameTable.MOVE_PER_CHANGE);
    int h = hash(r.peer(), r.content());
    Registration[] o = old;
    if (o == null || (h & (o.length - 1)) < moved || !unlink(o, h & (o.length - 1), r)) {
      unlink(table, h & (table.length - 1), r);
    }
    r.hashNext = null;
    count--;
  }

  /** Takes {@code r} out of the chain {@code t[i]}; false when it is not there. */
  private static boolean unlink(Registration[] t, int i, Registration r) {
    if (t[i] == r) {
      t[i] = r.hashNext;
      return true;
    }
    for (Registration prev = t[i]; prev != null; prev = prev.hashNext) {
      if (prev.hashNext == r) {
        prev.hashNext = r.hashNext;
        return true;
      }
    }
    return false;
  }

  /** Doubles the table; its entries move over in the adds and removes that follow. */
  private void grow() {
    moveSome(Integer.MAX_VALUE); // only if the last doubling is unfinished: never in practice
    old = table;
    moved = 0;
    table = new Registration[old.length * 2];
  }

  /** Moves up to {@code buckets} buckets of {@link #old} into {@link #table}. */
  private void moveSome(int buckets) {
    Registration[] o = old;
    if (o == null) {
      return;
    }
    int mask = table.length - 1;
    int end = (int) Math.min(o.length, (long) moved + buckets);
    for (; moved < end; moved++) {
      for (Registration r = o[moved]; r != null; ) {
        Registration next = r.hashNext;
        int i = hash(r.peer(), r.content()) & mask;
        r.hashNext = table[i];
        table[i] = r;
        r = next;
        lastMoved++;
      }
      o[moved] = null;
    }
    if (moved == o.length) {
      old = null;
      moved = 0;
    }
  }

  int size() {
    return count;
  }

  /** Entries the last {@link #add} or {@link #remove} moved between the tables (tests). */
  int lastMoved() {
    return lastMoved;
  }
}
