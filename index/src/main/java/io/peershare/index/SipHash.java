package io.peershare.index;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function made for short inputs,
 * with a 128-bit key and a 64-bit output. It is the MAC behind {@link CookieJar}. Pure functions,
 * no state, no allocation.
 */
final class SipHash {
  private SipHash() {}

  /** SipHash-2-4 of {@code length} bytes at {@code offset}, keyed by {@code k0 ‖ k1}. */
  static long hash(long k0, long k1, byte[] m, int offset, int length) {
    State s = new State(k0, k1); // never leaves this method: the JIT keeps it in registers
    int end = offset + length - (length & 7);
    for (int i = offset; i < end; i += 8) {
      s.absorb(littleEndian(m, i, 8));
    }
    s.absorb(((long) length << 56) | littleEndian(m, end, length & 7));
    s.v2 ^= 0xff;
    s.rounds(4);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
  }

  private static final class State {
    long v0;
    long v1;
    long v2;
    long v3;

    State(long k0, long k1) {
      v0 = 0x736f6d6570736575L ^ k0;
      v1 = 0x646f72616e646f6dL ^ k1;
      v2 = 0x6c7967656e657261L ^ k0;
      v3 = 0x7465646279746573L ^ k1;
    }

    /** One message word: two compression rounds. */
    void absorb(long w) {
      v3 ^= w;
      rounds(2);
      v0 ^= w;
    }

    void rounds(int n) {
      for (int r = 0; r < n; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
      }
    }
  }

  private static long littleEndian(byte[] m, int at, int n) {
    long w = 0;
    for (int i = n - 1; i >= 0; i--) {
      w = (w << 8) | (m[at + i] & 0xffL);
    }
    return w;
  }
}
