package io.peershare.testing;

import java.util.Random;

/** Seeded test data, so a failure can be repeated byte for byte. */
public final class TestBytes {
  private TestBytes() {}

  /** {@code size} bytes from a random generator seeded with {@code seed}. */
  public static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
