package io.peershare.index;

import io.peershare.protocol.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The providers of one content name, in round-robin order. A linked hash map keyed by peer name (a
 * name is held from one address at a time) gives O(1) add, remove and move-to-back.
 */
final class ProviderQueue {
  private final String name;
  private final byte[] nameBytes;
  private final long size;
  private final Digest digest;
  private final LinkedHashMap<String, Registration> queue = new LinkedHashMap<>(4);

  ProviderQueue(String name, long size, Digest digest) {
    this.name = name;
    this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
    this.size = size;
    this.digest = digest;
  }

  String name() {
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
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  Registration get(String peer) {
    return queue.get(peer);
  }

  void add(Registration r) {
    queue.put(r.peer().name(), r);
  }

  void remove(Registration r) {
    queue.remove(r.peer().name(), r);
  }

  /** Takes the first {@code max} providers and moves each to the back, in order. */
  List<Registration> rotate(int max) {
    int n = Math.min(max, queue.size());
    List<Registration> taken = new ArrayList<>(n);
    Iterator<Registration> it = queue.values().iterator();
    for (int i = 0; i < n; i++) {
      taken.add(it.next());
    }
    for (Registration r : taken) {
      queue.remove(r.peer().name());
      queue.put(r.peer().name(), r);
    }
    return taken;
  }
}
