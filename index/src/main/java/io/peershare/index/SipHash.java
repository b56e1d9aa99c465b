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
    long v0 = 0x736f6d6570736575L ^ k0;
    long v1 = 0x646f72616e646f6dL ^ k1;
    long v2 = 0x6c7967656e657261L ^ k0;
    long v3 = 0x7465646279746573L ^ k1;
    int end = offset + length - (length & 7);
    for (int i = offset; i < end; i += 8) {
      long w = littleEndian(m, i, 8);
      v3 ^= w;
      for (int r = 0; r < 2; r++) {
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
      v0 ^= w;
    }
    long last = ((long) length << 56) | littleEndian(m, end, length & 7);
    v3 ^= last;
    for (int r = 0; r < 2; r++) {
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
    v0 ^= last;
    v2 ^= 0xff;
    for (int r = 0; r < 4; r++) {
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
    return v0 ^ v1 ^ v2 ^ v3;
  }

  private static long littleEndian(byte[] m, int at, int n) {
    long w = 0;
    for (int i = n - 1; i >= 0; i--) {
      w = (w << 8) | (m[at + i] & 0xffL);
    }
    return w;
  }
}
