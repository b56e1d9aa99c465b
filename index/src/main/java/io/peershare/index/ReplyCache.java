package io.peershare.index;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Replies by (source address and port, request bytes), so a retransmitted request gets the first
 * reply again and acts only once. Entries live either long (R, T, Q, K: 30 s) or short (S, O, H);
 * each class sits in a FIFO queue whose deadlines rise with time, so dropping the expired ones
 * never scans. Memory is capped by entries and bytes: past the cap the oldest entry goes first. A
 * lookup wraps the received bytes without copying them. Not thread-safe: each server thread has its
 * own, which is enough because every datagram of one source address and port reaches the same
 * thread.
 */
public final class ReplyCache {
  /** How long replies to requests that change state are kept. */
  public static final long LONG_KEEP_MILLIS = 30_000;

  /** How long the rest are kept: past a client's last retransmission (3.75 s after the first). */
  public static final long SHORT_KEEP_MILLIS = 4_000;

  private static final int OVERHEAD_BYTES = 128; // map node, key, entry, deque slot

  /** A source and request bytes; the probe used for lookups wraps the received bytes. */
  private static final class Key {
    InetSocketAddress from;
    byte[] bytes;
    int offset;
    int length;
    int hash;

    Key set(InetSocketAddress from, byte[] bytes, int offset, int length) {
      this.from = from;
      this.bytes = bytes;
      this.offset = offset;
      this.length = length;
      this.hash = 31 * from.hashCode() + hashBytes(bytes, offset, length);
      return this;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && hash == k.hash
          && length == k.length
          && from.equals(k.from)
          && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + length);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private record Entry(Key key, byte[] reply, long insertedAt, long expiresAt) {
    int bytes() {
      return key.length + reply.length + OVERHEAD_BYTES;
    }
  }

  private final int maxEntries;
  private final long maxBytes;
  private final Map<Key, Entry> map = new HashMap<>();
  private final ArrayDeque<Entry> longLived = new ArrayDeque<>();
  private final ArrayDeque<Entry> shortLived = new ArrayDeque<>();
  private final Key probe = new Key();
  private long bytes;

  public ReplyCache(int maxEntries, long maxBytes) {
    if (maxEntries < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("cache limits must be positive");
    }
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  /** The reply first sent to this exact request from this address, or null. */
  public byte[] get(InetSocketAddress from, byte[] request, int length, long now) {
    return get(from, request, 0, length, now);
  }

  /** As {@link #get(InetSocketAddress, byte[], int, long)}, for the request at {@code offset}. */
  public byte[] get(InetSocketAddress from, byte[] request, int offset, int length, long now) {
    Entry e = map.get(probe.set(from, request, offset, length));
    probe.from = null;
    probe.bytes = null;
    return e != null && e.expiresAt() > now ? e.reply() : null;
  }

  /** Remembers {@code reply} to {@code request} for {@code keepMillis}. */
  public void put(
      InetSocketAddress from, byte[] request, int length, byte[] reply, long keepMillis, long now) {
    put(from, request, 0, length, reply, keepMillis, now);
  }

  /** As {@link #put(InetSocketAddress, byte[], int, byte[], long, long)} at {@code offset}. */
  public void put(
      InetSocketAddress from,
      byte[] request,
      int offset,
      int length,
      byte[] reply,
      long keepMillis,
      long now) {
    purge(now);
    byte[] copy = Arrays.copyOfRange(request, offset, offset + length);
    Entry e = new Entry(new Key().set(from, copy, 0, length), reply, now, now + keepMillis);
    while (!map.isEmpty() && (map.size() >= maxEntries || bytes + e.bytes() > maxBytes)) {
      evictOldest();
    }
    Entry old = map.put(e.key(), e);
    if (old != null) {
      bytes -= old.bytes(); // its queue slot stays; remove() below skips it
    }
    bytes += e.bytes();
    (keepMillis >= LONG_KEEP_MILLIS ? longLived : shortLived).add(e);
  }

  public int size() {
    return map.size();
  }

  /** Drops the entries that expired by {@code now}. */
  public void purge(long now) {
    purge(longLived, now);
    purge(shortLived, now);
  }

  private void purge(ArrayDeque<Entry> q, long now) {
    while (!q.isEmpty() && q.peek().expiresAt() <= now) {
      remove(q.poll());
    }
  }

  private void evictOldest() {
    Entry l = longLived.peek();
    Entry s = shortLived.peek();
    if (s == null || (l != null && l.insertedAt() <= s.insertedAt())) {
      remove(longLived.poll());
    } else {
      remove(shortLived.poll());
    }
  }

  private void remove(Entry e) {
    if (map.remove(e.key(), e)) {
      bytes -= e.bytes();
    }
  }

  /** The hash of a request's bytes, as {@link Arrays#hashCode(byte[])} of that range. */
  static int hashBytes(byte[] b, int offset, int length) {
    int h = 1;
    for (int i = offset; i < offset + length; i++) {
      h = 31 * h + b[i];
    }
    return h;
  }
}
