package io.peershare.index;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The content names the registry holds, by name and in byte order, in one structure threaded
 * through the {@link ProviderQueue}s themselves: a chained hash table (each queue's {@code
 * hashNext}) finds a name in O(1), and a treap (each queue's {@code left} and {@code right}, the
 * name's hash as its priority) keeps the names in unsigned byte order for the listing. No map node
 * or tree entry per name: a name costs its queue, its bytes and a table slot (see
 * docs/benchmarks.md, memory per registration).
 *
 * <p>The hash is SipHash-2-4 under a key drawn at random for each table, so names cannot be chosen
 * to fall into one chain, nor to give the treap a depth other than the expected O(log n) of random
 * priorities. Not thread-safe: the registry's lock guards it.
 */
final class NameTable {
  private final long k0;
  private final long k1;

  /**
   * Buckets of {@link #old} moved into {@link #table} by every add and remove while a doubling is
   * under way. Doubling in one go moved every name under the registry's lock: at 2^20 names 0.2-0.4
   * s in which no server thread answered anything (docs/benchmarks.md, run T). At eight buckets per
   * change the move is done long before the table fills again (that takes as many adds as it has
   * buckets).
   */
  static final int MOVE_PER_CHANGE = 8;

  private ProviderQueue[] table = new ProviderQueue[16];

  /** The table before the last doubling while its buckets are being moved, else null. */
  private ProviderQueue[] old;

  /** The buckets of {@link #old} below this are moved (and empty). */
  private int moved;

  /** Names the last add or remove moved between tables (tests). */
  private int lastMoved;

  private int count;
  private ProviderQueue root;

  NameTable() {
    SecureRandom random = new SecureRandom();
    this.k0 = random.nextLong();
    this.k1 = random.nextLong();
  }

  /** The hash of a name's UTF-8 bytes, as {@link #get} and {@link ProviderQueue} take it. */
  int hash(byte[] name) {
    return (int) SipHash.hash(k0, k1, name, 0, name.length);
  }

  int size() {
    return count;
  }

  /** The queue of the name {@code name} (UTF-8) whose hash is {@code hash}, or null. */
  ProviderQueue get(byte[] name, int hash) {
    ProviderQueue[] o = old;
    if (o != null && (hash & (o.length - 1)) >= moved) {
      ProviderQueue q = find(o[hash & (o.length - 1)], name, hash);
      if (q != null) {
        return q;
      }
    }
    return find(table[hash & (table.length - 1)], name, hash);
  }

  private static ProviderQueue find(ProviderQueue chain, byte[] name, int hash) {
    for (ProviderQueue q = chain; q != null; q = q.hashNext) {
      if (q.hash() == hash && q.hasName(name)) {
        return q;
      }
    }
    return null;
  }

  /** Adds {@code q}, whose name must not be in the table. */
  void add(ProviderQueue q) {
    lastMoved = 0;
    moveSome(MOVE_PER_CHANGE);
    if (count >= table.length) {
      grow();
    }
    int i = q.hash() & (table.length - 1);
    q.hashNext = table[i];
    table[i] = q;
    count++;
    root = insert(root, q);
  }

  /** Removes {@code q}, which must be in the table. */
  void remove(ProviderQueue q) {
    lastMoved = 0;
    moveSome(MOVE_PER_CHANGE);
    ProviderQueue[] o = old;
    if (o == null
        || (q.hash() & (o.length - 1)) < moved
        || !unlink(o, q.hash() & (o.length - 1), q)) {
      unlink(table, q.hash() & (table.length - 1), q);
    }
    q.hashNext = null;
    count--;
    root = delete(root, q);
    q.left = null;
    q.right = null;
  }

  /**
   * Hands {@code visit} the names strictly after {@code after} (UTF-8 bytes) in unsigned byte
   * order, until it returns false or the names run out.
   */
  void forEachAfter(byte[] after, Predicate<ProviderQueue> visit) {
    ProviderQueue[] stack = new ProviderQueue[64];
    int top = 0;
    for (ProviderQueue t = root; t != null; ) {
      if (t.compareName(after) > 0) {
        if (top == stack.length) {
          stack = Arrays.copyOf(stack, top * 2);
        }
        stack[top++] = t;
        t = t.left;
      } else {
        t = t.right;
      }
    }
    while (top > 0) {
      ProviderQueue t = stack[--top];
      stack[top] = null;
      if (!visit.test(t)) {
        return;
      }
      for (ProviderQueue u = t.right; u != null; u = u.left) {
        if (top == stack.length) {
          stack = Arrays.copyOf(stack, top * 2);
        }
        stack[top++] = u;
      }
    }
  }

  /** Takes {@code q} out of the chain {@code t[i]}; false when it is not there. */
  private static boolean unlink(ProviderQueue[] t, int i, ProviderQueue q) {
    if (t[i] == q) {
      t[i] = q.hashNext;
      return true;
    }
    for (ProviderQueue prev = t[i]; prev != null; prev = prev.hashNext) {
      if (prev.hashNext == q) {
        prev.hashNext = q.hashNext;
        return true;
      }
    }
    return false;
  }

  /** Doubles the table; its names move over in the adds and removes that follow. */
  private void grow() {
    moveSome(Integer.MAX_VALUE); // only if the last doubling is unfinished: never in practice
    old = table;
    moved = 0;
    table = new ProviderQueue[old.length * 2];
  }

  /** Moves up to {@code buckets} buckets of {@link #old} into {@link #table}. */
  private void moveSome(int buckets) {
    ProviderQueue[] o = old;
    if (o == null) {
      return;
    }
    int mask = table.length - 1;
    int end = (int) Math.min(o.length, (long) moved + buckets);
    for (; moved < end; moved++) {
      for (ProviderQueue q = o[moved]; q != null; ) {
        ProviderQueue next = q.hashNext;
        int i = q.hash() & mask;
        q.hashNext = table[i];
        table[i] = q;
        q = next;
        lastMoved++;
      }
      o[moved] = null;
    }
    if (moved == o.length) {
      old = null;
      moved = 0;
    }
  }

  /** Names the last {@link #add} or {@link #remove} moved between the tables (tests). */
  int lastMoved() {
    return lastMoved;
  }

  // The treap: a binary search tree by name whose every node's priority (its hash) is at least its
  // children's. Random priorities give it the shape of a tree built in random order: depth
  // O(log n) expected, about 2.5 ln n (35 at a million names).

  private static boolean above(ProviderQueue a, ProviderQueue b) {
    return Integer.compareUnsigned(a.hash(), b.hash()) > 0;
  }

  private static ProviderQueue insert(ProviderQueue t, ProviderQueue q) {
    if (t == null) {
      return q;
    }
    if (q.compareName(t) < 0) {
      t.left = insert(t.left, q);
      if (above(t.left, t)) {
        ProviderQueue l = t.left;
        t.left = l.right;
        l.right = t;
        return l;
      }
    } else {
      t.right = insert(t.right, q);
      if (above(t.right, t)) {
        ProviderQueue r = t.right;
        t.right = r.left;
        r.left = t;
        return r;
      }
    }
    return t;
  }

  private static ProviderQueue delete(ProviderQueue t, ProviderQueue q) {
    if (t == q) {
      return merge(t.left, t.right);
    }
    if (q.compareName(t) < 0) {
      t.left = delete(t.left, q);
    } else {
      t.right = delete(t.right, q);
    }
    return t;
  }

  /** Joins two treaps whose every name in {@code a} is before every name in {@code b}. */
  private static ProviderQueue merge(ProviderQueue a, ProviderQueue b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    if (above(a, b)) {
      a.right = merge(a.right, b);
      return a;
    }
    b.left = merge(a, b.left);
    return b;
  }
}
