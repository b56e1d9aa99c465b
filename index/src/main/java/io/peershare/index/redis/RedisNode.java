package io.peershare.index.redis;

import io.peershare.index.CookieJar;
import io.peershare.index.IndexServer;
import io.peershare.index.tracker.TrackerServer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One index node over a shared registry in Redis: the registry, the cookie secrets and the mutation
 * replies all in the store, so any number of nodes on one store act as one index.
 */
public final class RedisNode {
  private static final Logger log = LoggerFactory.getLogger(RedisNode.class);

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
    IndexServer server =
        new IndexServer(config, registry, new RedisCookieSecrets(store), new RedisReplies(store))
            .start();
    log.info("registry in the store {}, shared with every node on it", store.url());
    return server;
  }

  /**
   * A BitTorrent tracker (not started) whose swarms and connection-id secrets are in {@code store}:
   * trackers of several nodes on one store act as one tracker.
   */
  public static TrackerServer tracker(TrackerServer.Config config, RedisStore store) {
    return new TrackerServer(
        config,
        new RedisSwarmStore(store, 2_000L * config.intervalSeconds(), config.limits()),
        new CookieJar(new RedisCookieSecrets(store, "ps:tcookie:")));
  }
}
