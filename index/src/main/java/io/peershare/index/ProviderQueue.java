package io.peershare.index;

import io.peershare.protocol.ContentName;
import io.peershare.protocol.Digest;
import java.nio.charset.StandardCharsets;

/**
 * The providers of one content name, in round-robin order: a circular doubly-linked list threaded
 * through the {@link Registration}s themselves, {@code head} first and {@code head.prev} last.
 *
 * <p>Why intrusive and circular: moving the first {@code n} entries to the back, in order, is then
 * just advancing {@code head} by {@code n}, one field write and no allocation. The previous linked
 * hash map re-inserted each returned provider, allocating a map node per provider per locate; the
 * nodes stayed live inside the huge, old registry, so every young GC had to copy them and scan the
 * old-generation cards pointing at them (see docs/benchmarks.md). Add and remove anywhere are O(1).
 */
final class ProviderQueue {
  private final ContentName name;
  private final byte[] nameBytes;
  private final long size;
  private final Digest digest;
  private Registration head;
  private int count;

  ProviderQueue(ContentName name, long size, Digest digest) {
    this.name = name;
    this.nameBytes = name.toString().getBytes(StandardCharsets.UTF_8);
    this.size = size;
    this.digest = digest;
  }

  ContentName name() {
    return name;
  }

  /** The name's UTF-8 bytes: the key of the byte-ordered listing. */
  byte[] nameBytes() {
    return nameBytes;
  }

  long size() {
    return size;
  }

  Digest digest() {
    return digest;
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

  /** Unlinks {@code r} if it is in this queue; the others keep their order. */
  void remove(Registration r) {
    if (r.next == null || r.content() != this) {
      return;
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
