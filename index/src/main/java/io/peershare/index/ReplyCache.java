package io.peershare.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Replies by (source address and port, request bytes), so a retransmitted request gets the first
 * reply again and acts only once.
 *
 * <p>Nothing here is an object per entry: entries are records written one after the other into two
 * byte rings, one for replies kept long (R, T, Q, K: 30 s) and one for the rest (S, O, H: 4 s), and
 * an open-addressing table of positions finds them. A ring overwrites its oldest entries when it
 * wraps, so memory is fixed and nothing is ever purged; an entry older than its keep is ignored. A
 * garbage collector sees two large arrays that never move, not millions of small objects that live
 * for seconds (which is what a map of entries became: every young collection copied them, then the
 * old generation filled with their corpses). When the short ring wraps before 4 s (above about
 * 100,000 S a second per server thread with the default sizes), short replies live less than their
 * keep: still long past a client's first retransmission (250 ms).
 *
 * <p>Entry layout: {@code u64 expiresAt | i32 hash | u16 requestLength | u16 replyLength | u8
 * addressLength | address | u16 port | request | reply}. Not thread-safe: each server thread has
 * its own, which is enough because every datagram of one source address and port reaches the same
 * thread.
 *
 * <p>The table is one {@code long} per slot: which ring, where in it, and 16 bits of the hash, so a
 * lookup reads one array, and its probes are one aligned 128-byte run of slots (two cache lines,
 * one page) rather than two arrays each in a page of its own: at line rate every lookup of a new
 * request misses the CPU's caches, and this is the hottest code of the index. A slot holds the low
 * 47 bits of the entry's position; the full one is rebuilt from its ring's head, exact while the
 * entry is less than 128 TiB of writes old (over a month of the ring written at line rate). An
 * older slot can point at a live-looking place in the ring; what is there is then checked like any
 * entry (the full hash, the lengths, within the ring's bounds, the source, every byte of the
 * request), so at worst it costs a comparison, never a wrong reply.
 */
public final class ReplyCache {
  /** How long replies to requests that change state are kept. */
  public static final long LONG_KEEP_MILLIS = 30_000;

  /** How long the rest are kept: past a client's last retransmission (3.75 s after the first). */
  public static final long SHORT_KEEP_MILLIS = 4_000;

  private static final int HEADER = 8 + 4 + 2 + 2 + 1;

  /**
   * Slots a lookup tries: one aligned run of 16 (two 64-byte cache lines), from a place in it the
   * hash chooses, round to the start of the run.
   */
  private static final int PROBES = 16;

  private static final int POSITION_BITS = 47;
  private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
  private static final int TAG_BITS = 16;
  private static final long TAG_MASK = (1L << TAG_BITS) - 1;

  /** One ring of entries; positions count bytes written since the start, never wrapping. */
  private static final class Ring {
    final byte[] bytes;
    long head;

    Ring(int capacity) {
      bytes = new byte[capacity];
    }

    /** True while the entry written at {@code position} has not been overwritten. */
    boolean holds(long position) {
      return position >= head - bytes.length;
    }

    int at(long position) {
      return (int) (position % bytes.length);
    }
  }

  private static final VarHandle WORD =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long seed = new SplittableRandom().nextLong();
  private final Ring longLived;
  private final Ring shortLived;

  /**
   * Per slot: 0 when empty, else the top bit set for the long ring, then the low 47 bits of 1 +
   * position, then a 16-bit tag of the hash ({@link #tag}). A slot never becomes 0 again.
   */
  private final long[] slots;

  private final int mask;

  /** Where the last {@link #find} put its hit. */
  private byte[] foundArray;

  private int foundOffset;
  private int foundLength;

  /**
   * @param longBytes the ring for R, T, Q and K replies
   * @param shortBytes the ring for S, O and H replies
   */
  public ReplyCache(int longBytes, int shortBytes) {
    if (longBytes < 4096 || shortBytes < 4096) {
      throw new IllegalArgumentException("rings of at least 4 KiB");
    }
    longLived = new Ring(longBytes);
    shortLived = new Ring(shortBytes);
    // the smallest entry (an H and its Y) takes 51 bytes: the table stays at most about half full
    int entries = (int) Math.min(1 << 26, ((long) longBytes + shortBytes) / 48 * 2);
    int size = Integer.highestOneBit(Math.max(1024, entries - 1)) << 1;
    slots = new long[size];
    mask = size - 1;
  }

  /**
   * Looks the request up; on a hit, {@link #foundArray()}, {@link #foundOffset()} and {@link
   * #foundLength()} say where the reply is (valid until the next {@code put}). Allocates nothing.
   */
  public boolean find(InetSocketAddress from, byte[] request, int offset, int length, long now) {
    return find(hash(from, request, offset, length), from, request, offset, length, now);
  }

  /** {@link #find(InetSocketAddress, byte[], int, int, long)} with its {@link #hash} known. */
  public boolean find(
      int hash, InetSocketAddress from, byte[] request, int offset, int length, long now) {
    long tag = tag(hash);
    int run = hash & mask & -PROBES;
    for (int k = 0; k < PROBES; k++) {
      int s = run | (hash + k) & (PROBES - 1);
      long slot = slots[s];
      if (slot == 0) {
        return false; // slots fill in probe order and never empty again: nothing further on
      }
      if ((slot & TAG_MASK) != tag) {
        continue;
      }
      int at = live(slot, hash, from, request, offset, length, now);
      if (at >= 0) {
        Ring ring = ringOf(slot);
        foundArray = ring.bytes;
        foundOffset = at + length;
        foundLength = getU16(ring.bytes, ring.at(positionOf(slot)) + 14);
        return true;
      }
    }
    return false;
  }

  /**
   * Where the request bytes of {@code slot}'s entry start when it is live and for exactly this
   * request from this source, else -1.
   */
  private int live(
      long slot,
      int hash,
      InetSocketAddress from,
      byte[] request,
      int offset,
      int length,
      long now) {
    Ring ring = ringOf(slot);
    long position = positionOf(slot);
    if (!ring.holds(position)) {
      return -1;
    }
    int at = ring.at(position);
    byte[] b = ring.bytes;
    if (expiresAt(ring, position) <= now
        || getInt(b, at + 8) != hash
        || getU16(b, at + 12) != length) {
      return -1;
    }
    int n = b[at + 16];
    // only a slot older than 2^47 bytes of its ring (see above) can fail this
    if (n != 4 && n != 16 || at + HEADER + n + 2 + length + getU16(b, at + 14) > b.length) {
      return -1;
    }
    int requestAt = matchSource(b, at + HEADER, from);
    if (requestAt < 0
        || !Arrays.equals(b, requestAt, requestAt + length, request, offset, offset + length)) {
      return -1;
    }
    return requestAt;
  }

  public byte[] foundArray() {
    return foundArray;
  }

  public int foundOffset() {
    return foundOffset;
  }

  public int foundLength() {
    return foundLength;
  }

  /** The reply first sent to this exact request from this address, or null (a copy; tests). */
  public byte[] get(InetSocketAddress from, byte[] request, int length, long now) {
    if (!find(from, request, 0, length, now)) {
      return null;
    }
    return Arrays.copyOfRange(foundArray, foundOffset, foundOffset + foundLength);
  }

  /** Remembers {@code reply} to {@code request} for {@code keepMillis}. */
  public void put(
      InetSocketAddress from, byte[] request, int length, byte[] reply, long keepMillis, long now) {
    put(
        hash(from, request, 0, length),
        from,
        request,
        0,
        length,
        reply,
        0,
        reply.length,
        keepMillis,
        now);
  }

  /**
   * Remembers the reply at {@code replyOffset} to the request at {@code offset}, whose {@link
   * #hash} is {@code hash}.
   */
  public void put(
      int hash,
      InetSocketAddress from,
      byte[] request,
      int offset,
      int length,
      byte[] reply,
      int replyOffset,
      int replyLength,
      long keepMillis,
      long now) {
    boolean isLong = keepMillis >= LONG_KEEP_MILLIS;
    Ring ring = isLong ? longLived : shortLived;
    InetAddress source = from.getAddress();
    int addressLength = source instanceof Inet4Address ? 4 : 16;
    int size = HEADER + addressLength + 2 + length + replyLength;
    if (size > ring.bytes.length / 4) {
      return; // never for datagrams of at most 1200 bytes in rings of the sizes used
    }
    if (ring.at(ring.head) + size > ring.bytes.length) {
      ring.head += ring.bytes.length - ring.at(ring.head); // no entry straddles the end
    }
    long position = ring.head;
    int at = ring.at(position);
    byte[] b = ring.bytes;
    putLong(b, at, now + keepMillis);
    putInt(b, at + 8, hash);
    putU16(b, at + 12, length);
    putU16(b, at + 14, replyLength);
    b[at + 16] = (byte) addressLength;
    if (source instanceof Inet4Address) {
      putInt(b, at + HEADER, source.hashCode()); // an IPv4 address's hash is the address itself
    } else {
      System.arraycopy(source.getAddress(), 0, b, at + HEADER, addressLength);
    }
    int p = at + HEADER + addressLength;
    putU16(b, p, from.getPort());
    System.arraycopy(request, offset, b, p + 2, length);
    System.arraycopy(reply, replyOffset, b, p + 2 + length, replyLength);
    int s = slotFor(hash, from, request, offset, length, now); // before the head moves on
    ring.head += size;
    slots[s] =
        (isLong ? Long.MIN_VALUE : 0) | ((position + 1) & POSITION_MASK) << TAG_BITS | tag(hash);
  }

  /** Registered entries whose ring still holds them (for tests; a scan of the table). */
  int size(long now) {
    int n = 0;
    for (int s = 0; s <= mask; s++) {
      long slot = slots[s];
      if (slot != 0 && ringOf(slot).holds(positionOf(slot))) { // (an entry 2^47 bytes old aside)
        Ring ring = ringOf(slot);
        if (expiresAt(ring, positionOf(slot)) > now) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The slot for a new entry: the same request's old slot, else an empty or dead one, else the one
   * holding the oldest entry among the probes.
   */
  private int slotFor(
      int hash, InetSocketAddress from, byte[] request, int offset, int length, long now) {
    long tag = tag(hash);
    int run = hash & mask & -PROBES;
    // first without reading the rings: an empty slot, one whose entry its ring has overwritten (at
    // line rate most are), or this request's own
    for (int k = 0; k < PROBES; k++) {
      int s = run | (hash + k) & (PROBES - 1);
      long slot = slots[s];
      if (slot == 0
          || !ringOf(slot).holds(positionOf(slot))
          || (slot & TAG_MASK) == tag
              && live(slot, hash, from, request, offset, length, now) >= 0) {
        return s;
      }
    }
    // all 16 hold entries their rings still have: an expired one, else the oldest
    int oldest = -1;
    long oldestWritten = Long.MAX_VALUE;
    for (int k = 0; k < PROBES; k++) {
      int s = run | (hash + k) & (PROBES - 1);
      long slot = slots[s];
      Ring ring = ringOf(slot);
      long position = positionOf(slot);
      if (expiresAt(ring, position) <= now) {
        return s;
      }
      long written = position - ring.head; // how far back in its own ring
      if (written < oldestWritten) {
        oldestWritten = written;
        oldest = s;
      }
    }
    return oldest;
  }

  /** When the entry at {@code position} expires (already, for no place an entry could start). */
  private static long expiresAt(Ring ring, long position) {
    int at = ring.at(position);
    return at > ring.bytes.length - HEADER ? Long.MIN_VALUE : getLong(ring.bytes, at);
  }

  private Ring ringOf(long slot) {
    return slot < 0 ? longLived : shortLived;
  }

  /**
   * The position of the slot's entry: the one with its low 47 bits at or before its ring's head (a
   * slot can only point backwards from the head).
   */
  private long positionOf(long slot) {
    return unwrap(ringOf(slot).head, ((slot >>> TAG_BITS) - 1) & POSITION_MASK);
  }

  /** The last position at or before {@code head} whose low 47 bits are {@code low}. */
  static long unwrap(long head, long low) {
    return head - ((head - low) & POSITION_MASK);
  }

  /** 16 bits of the hash, other than those that chose its slots. */
  private static long tag(int hash) {
    return ((hash * 0x9E3779B9) >>> 16) & TAG_MASK;
  }

  /** Where the request starts when the entry's source is {@code from}, else -1. */
  private static int matchSource(byte[] b, int addressAt, InetSocketAddress from) {
    InetAddress source = from.getAddress();
    int n = b[addressAt - 1];
    if (source instanceof Inet4Address) {
      if (n != 4 || getInt(b, addressAt) != source.hashCode()) {
        return -1;
      }
    } else if (n != 16 || !Arrays.equals(b, addressAt, addressAt + n, source.getAddress(), 0, n)) {
      return -1;
    }
    return getU16(b, addressAt + n) == from.getPort() ? addressAt + n + 2 : -1;
  }

  /**
   * The hash of a source and request, mixed from a random seed of this cache: requests differ in a
   * few bytes (a request id), so a polynomial hash of their bytes would pile them onto a few slots,
   * and a seed nobody outside knows keeps a sender from aiming its H requests at the slots of
   * another's entries.
   */
  int hash(InetSocketAddress from, byte[] request, int offset, int length) {
    long h = seed ^ from.hashCode() * 0x9E3779B97F4A7C15L;
    int i = offset;
    int end = offset + length;
    for (; i + 8 <= end; i += 8) {
      h = Long.rotateLeft((h ^ (long) WORD.get(request, i)) * 0x9E3779B97F4A7C15L, 29);
    }
    for (; i < end; i++) {
      h = Long.rotateLeft((h ^ request[i]) * 0xC2B2AE3D27D4EB4FL, 23);
    }
    h ^= h >>> 32;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 29;
    return (int) h;
  }

  private static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xffL);
    }
    return v;
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--, v >>>= 8) {
      b[at + i] = (byte) v;
    }
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static int getU16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }
}
