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
 * priorities. The hash table doubles a few buckets at a time ({@link ChainedTable}). Not
 * thread-safe: the registry's lock guards it.
 */
final class NameTable extends ChainedTable<ProviderQueue> {
  private final long k0;
  private final long k1;

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

  /** The queue of the name {@code name} (UTF-8) whose hash is {@code hash}, or null. */
  ProviderQueue get(byte[] name, int hash) {
    ProviderQueue q = find(oldChain(hash), name, hash);
    return q != null ? q : find(chain(hash), name, hash);
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
    link(q);
    root = insert(root, q);
  }

  /** Removes {@code q}, which must be in the table. */
  void remove(ProviderQueue q) {
    unlink(q);
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

  @Override
  int hashOf(ProviderQueue q) {
    return q.hash();
  }

  @Override
  ProviderQueue next(ProviderQueue q) {
    return q.hashNext;
  }

  @Override
  void setNext(ProviderQueue q, ProviderQueue next) {
    q.hashNext = next;
  }

  @Override
  ProviderQueue[] newArray(int length) {
    return new ProviderQueue[length];
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
