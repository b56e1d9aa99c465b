package io.peershare.index;

/**
 * The registry's documented limits.
 *
 * @param perPeer registrations one peer (name and IP) may hold before {@code LIMIT}; the spec asks
 *     for at least 1,000, the default is 10,000
 * @param total registrations the whole registry holds before {@code LIMIT}; the default is
 *     4,000,000 (about 90 bytes of heap per entry measured with 4 providers per name, 180 with one:
 *     size the heap to match; see docs/benchmarks.md)
 */
public record RegistryLimits(int perPeer, int total) {
  public static final int DEFAULT_PER_PEER = 10_000;
  public static final int DEFAULT_TOTAL = 4_000_000;

  public RegistryLimits {
    if (perPeer < 1 || total < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  public static RegistryLimits defaults() {
    return new RegistryLimits(DEFAULT_PER_PEER, DEFAULT_TOTAL);
  }
}
