package io.peershare.index;

/**
 * Where a {@link CookieJar} gets the secret of each epoch (an hour of cookie buckets) when nodes
 * share one registry: they share the secrets too, so a cookie from any node is valid on every node.
 * A node alone makes its own at random ({@link
 * CookieJar#CookieJar(java.util.random.RandomGenerator)}).
 */
public interface CookieSecrets {
  /** Bytes of one secret: SipHash's 128-bit key. */
  int LENGTH = 16;

  /**
   * The secret of {@code epoch}, {@link #LENGTH} bytes; may change later when nodes agree on
   * another.
   */
  byte[] secret(long epoch);
}
