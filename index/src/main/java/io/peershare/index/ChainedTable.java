package io.peershare.index;

/**
 * A chained hash table threaded through its entries (each entry's next-in-chain field, read and
 * written by the subclass), which finds an entry by its hash and the subclass's own comparison.
 * {@link NameTable} and {@link RegistrationTable} are made of it.
 *
 * <p>It doubles incrementally: the table before the last doubling stays while its buckets move
 * over, {@link #MOVE_PER_CHANGE} of them per add and remove. Doubling in one go moved every entry
 * under the registry's lock: at 2^20 entries 0.2-0.4 s in which no server thread answered anything
 * (docs/benchmarks.md, run T). At eight buckets per change the move is done long before the table
 * fills again (that takes as many adds as it has buckets). Not thread-safe: the registry's lock
 * guards it.
 *
 * @param <E> the entries, each in at most one table
 */
abstract class ChainedTable<E> {
  /** Buckets of the old table moved by every add and remove while a doubling is under way. */
  static final int MOVE_PER_CHANGE = 8;

  private E[] table = newArray(16);

  /** The table before the last doubling while its buckets are being moved, else null. */
  private E[] old;

  /** The buckets of {@link #old} below this are moved (and empty). */
  private int moved;

  /** Entries the last add or remove moved between tables (tests). */
  private int lastMoved;

  private int count;

  /** The hash an entry is filed under. */
  abstract int hashOf(E e);

  /** The entry after {@code e} in its chain, or null. */
  abstract E next(E e);

  abstract void setNext(E e, E next);

  abstract E[] newArray(int length);

  /**
   * The first entry of the chain in the table before the last doubling where an entry of hash
   * {@code hash} may still be; null when that bucket has moved or no doubling is under way. A
   * lookup walks it, then {@link #chain}.
   */
  final E oldChain(int hash) {
    E[] o = old;
    return o != null && (hash & (o.length - 1)) >= moved ? o[hash & (o.length - 1)] : null;
  }

  /** The first entry of the chain in the table where an entry of hash {@code hash} is filed. */
  final E chain(int hash) {
    return table[hash & (table.length - 1)];
  }

  /** Files {@code e}, which must not be here. */
  final void link(E e) {
    lastMoved = 0;
    moveSome(MOVE_PER_CHANGE);
    if (count >= table.length) {
      grow();
    }
    int i = hashOf(e) & (table.length - 1);
    setNext(e, table[i]);
    table[i] = e;
    count++;
  }

  /** Takes {@code e}, which must be here, out of the table. */
  final void unlink(E e) {
    lastMoved = 0;
    moveSome(MOVE_PER_CHANGE);
    int h = hashOf(e);
    E[] o = old;
    if (o == null || (h & (o.length - 1)) < moved || !unlink(o, h & (o.length - 1), e)) {
      unlink(table, h & (table.length - 1), e);
    }
    setNext(e, null);
    count--;
  }

  final int size() {
    return count;
  }

  /** Entries the last add or remove moved between the tables (tests). */
  final int lastMoved() {
    return lastMoved;
  }

  /** Takes {@code e} out of the chain {@code t[i]}; false when it is not there. */
  private boolean unlink(E[] t, int i, E e) {
    if (t[i] == e) {
      t[i] = next(e);
      return true;
    }
    for (E prev = t[i]; prev != null; prev = next(prev)) {
      if (next(prev) == e) {
        setNext(prev, next(e));
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
    table = newArray(old.length * 2);
  }

  /** Moves up to {@code buckets} buckets of {@link #old} into {@link #table}. */
  private void moveSome(int buckets) {
    E[] o = old;
    if (o == null) {
      return;
    }
    int mask = table.length - 1;
    int end = (int) Math.min(o.length, (long) moved + buckets);
    for (; moved < end; moved++) {
      for (E e = o[moved]; e != null; ) {
        E after = next(e);
        int i = hashOf(e) & mask;
        setNext(e, table[i]);
        table[i] = e;
        e = after;
        lastMoved++;
      }
      o[moved] = null;
    }
    if (moved == o.length) {
      old = null;
      moved = 0;
    }
  }
}
