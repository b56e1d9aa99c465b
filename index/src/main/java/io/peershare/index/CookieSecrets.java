package io.peershare.index;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Where a {@link CookieJar} gets the secret of each epoch (an hour of cookie buckets). One node
 * alone makes its own at random; nodes sharing one registry share the secrets too, so a cookie from
 * any node is valid on every node.
 */
public interface CookieSecrets {
  /** The 32-byte secret of {@code epoch}; may change later when nodes agree on another. */
  byte[] secret(long epoch);

  /** Random secrets of this node's own, one per epoch (the last few remembered). */
  static CookieSecrets random(RandomGenerator random) {
    Map<Long, byte[]> made =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > 3;
          }
        };
    return epoch -> {
      synchronized (made) {
        return made.computeIfAbsent(
            epoch,
            e -> {
              byte[] secret = new byte[32];
              random.nextBytes(secret);
              return secret;
            });
      }
    };
  }
}
