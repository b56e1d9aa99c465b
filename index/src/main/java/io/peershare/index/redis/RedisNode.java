package io.peershare.index.redis;

import io.peershare.index.IndexServer;
import java.io.IOException;

/**
 * One index node over a shared registry in Redis: the registry, the cookie secrets and the mutation
 * replies all in the store, so any number of nodes on one store act as one index.
 */
public final class RedisNode {
  private RedisNode() {}

  /**
   * A started server over {@code store}; closing the server leaves the store open (the caller owns
   * it).
   *
   * @param sweepIntervalMillis see {@link RedisRegistry#RedisRegistry(RedisStore, long,
   *     io.peershare.index.RegistryLimits, long)}
   */
  public static IndexServer start(
      IndexServer.Config config, RedisStore store, long sweepIntervalMillis) throws IOException {
    RedisRegistry registry =
        new RedisRegistry(store, config.lease().toMillis(), config.limits(), sweepIntervalMillis);
    return new IndexServer(config, registry, new RedisCookieSecrets(store), new RedisReplies(store))
        .start();
  }
}
