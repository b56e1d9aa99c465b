package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One content name: its size and digest and its providers in round-robin order, a circular
 * doubly-linked list threaded through the {@link Registration}s themselves, {@code head} first and
 * {@code head.prev} last. It is also the name's node in the {@link NameTable} (hash chain and treap
 * links), so a name costs this object, one byte array and a table slot, nothing more.
 *
 * <p>Why intrusive and circular: moving the first {@code n} entries to the back, in order, is then
 * just advancing {@code head} by {@code n}, one field write and no allocation. The previous linked
 * hash map re-inserted each returned provider, allocating a map node per provider per locate; the
 * nodes stayed live inside the huge, old registry, so every young GC had to copy them and scan the
 * old-generation cards pointing at them (see docs/benchmarks.md). Add and remove anywhere are O(1).
 *
 * <p>The digest and the name are kept as bytes in one array (digest first, then the name's UTF-8):
 * no {@code ContentName}, {@code String} or {@code Digest} object per name.
 */
final class ProviderQueue {
  /** Where the name starts in {@link #key}: after the digest. */
  private static final int NAME_AT = Digest.LENGTH;

  private final byte[] key;
  private final int hash;
  private final long size;
  private Registration head;
  private int count;

  /** Links of the {@link NameTable}; owned by it. */
  ProviderQueue hashNext;

  ProviderQueue left;

  ProviderQueue right;

  /** The queue of a name given as UTF-8 bytes whose {@link NameTable#hash} is {@code hash}. */
  ProviderQueue(byte[] name, int hash, long size, Digest digest) {
    this.key = new byte[NAME_AT + name.length];
    digest.copyTo(key, 0);
    System.arraycopy(name, 0, key, NAME_AT, name.length);
    this.hash = hash;
    this.size = size;
  }

  /** The name, made anew from its bytes (for listings, which are rare beside locates). */
  ContentName name() {
    return ContentName.of(new String(key, NAME_AT, key.length - NAME_AT, StandardCharsets.UTF_8));
  }

  int hash() {
    return hash;
  }

  /** True when the name's UTF-8 bytes are {@code name}. */
  boolean hasName(byte[] name) {
    return Arrays.equals(key, NAME_AT, key.length, name, 0, name.length);
  }

  /** This name against {@code name} (UTF-8) in unsigned byte order. */
  int compareName(byte[] name) {
    return Arrays.compareUnsigned(key, NAME_AT, key.length, name, 0, name.length);
  }

  /** This name against the other's in unsigned byte order. */
  int compareName(ProviderQueue other) {
    return Arrays.compareUnsigned(key, NAME_AT, key.length, other.key, NAME_AT, other.key.length);
  }

  /** True when the name contains {@code filter} (see {@link NameFilter}). */
  boolean nameContains(byte[] filter) {
    return NameFilter.contains(key, NAME_AT, key.length, filter);
  }

  /** The name's length in UTF-8 bytes. */
  int nameLength() {
    return key.length - NAME_AT;
  }

  long size() {
    return size;
  }

  /** The digest, as a new object (a locate hands it out). */
  Digest digest() {
    return Digest.of(key, 0);
  }

  /** True when the digest is {@code d}. */
  boolean hasDigest(Digest d) {
    byte[] other = new byte[Digest.LENGTH];
    d.copyTo(other, 0);
    return Arrays.equals(key, 0, NAME_AT, other, 0, Digest.LENGTH);
  }

  int providers() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** The first provider (the next {@code S} returns it), or null when there is none. */
  Registration head() {
    return head;
  }

  /** Appends {@code r}, which must be in no queue, at the back. */
  void add(Registration r) {
    if (r.next != null) {
      throw new IllegalStateException("already queued");
    }
    if (head == null) {
      r.prev = r;
      r.next = r;
      head = r;
    } else {
      Registration last = head.prev;
      r.prev = last;
      r.next = head;
      last.next = r;
      head.prev = r;
    }
    count++;
  }

  /**
   * Unlinks {@code r} if it is in this queue; the others keep their order. Returns false when it
   * was not (already unlinked).
   */
  boolean remove(Registration r) {
    if (r.next == null || r.content() != this) {
      return false;
    }
    if (count == 1) {
      head = null;
    } else {
      r.prev.next = r.next;
      r.next.prev = r.prev;
      if (head == r) {
        head = r.next;
      }
    }
    r.prev = null;
    r.next = null;
    count--;
    return true;
  }

  /**
   * Moves the first {@code n} providers ({@code 0 <= n <= providers()}) to the back, in order, and
   * returns the first of them (null when {@code n} is 0); the others follow it through {@code
   * next}. On a circular list that move is only advancing the head: the links do not change.
   */
  Registration rotate(int n) {
    if (n < 0 || n > count) {
      throw new IllegalArgumentException("cannot take " + n + " of " + count);
    }
    Registration first = n == 0 ? null : head;
    for (int i = 0; i < n; i++) {
      head = head.next;
    }
    return first;
  }
}
