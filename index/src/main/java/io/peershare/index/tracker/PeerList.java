package io.peershare.index.tracker;

import java.util.Arrays;

/**
 * Peers in an array, so that any one can be picked by index: add at the end, remove by moving the
 * last into the hole, both O(1). Order carries no meaning.
 */
final class PeerList {
  private SwarmPeer[] items = new SwarmPeer[2];
  private int size;

  int size() {
    return size;
  }

  SwarmPeer get(int i) {
    return items[i];
  }

  void add(SwarmPeer p) {
    if (size == items.length) {
      items = Arrays.copyOf(items, size * 2);
    }
    p.slot = size;
    items[size++] = p;
  }

  void remove(SwarmPeer p) {
    SwarmPeer last = items[--size];
    items[p.slot] = last;
    last.slot = p.slot;
    items[size] = null;
    p.slot = -1;
    if (size >= 16 && size * 4 <= items.length) {
      items = Arrays.copyOf(items, items.length / 2); // a swarm that shrank gives memory back
    }
  }
}
