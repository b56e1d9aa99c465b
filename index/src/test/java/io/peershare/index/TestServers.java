package io.peershare.index;

import io.peershare.index.redis.RedisNode;
import io.peershare.index.redis.RedisServers;
import io.peershare.index.redis.RedisStore;
import io.peershare.index.redis.StoreUrl;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The stores the server tests run against: the in-memory registry, a standalone Redis and a Redis
 * Cluster (started by {@link RedisServers}; a Redis store is emptied before each server). Redis
 * servers sweep leases before every operation, so expiry is as exact as in memory and the tests'
 * stopped clocks mean the same on every store.
 */
public enum TestServers {
  MEMORY,
  REDIS,
  REDIS_CLUSTER;

  private static final Map<TestServers, RedisStore> STORES = new EnumMap<>(TestServers.class);

  /** Starts a server with {@code config} over a fresh, empty store of this kind. */
  public IndexServer start(IndexServer.Config config) throws IOException {
    if (this == MEMORY) {
      return new IndexServer(config).start();
    }
    return RedisNode.start(config, emptyStore(), 0);
  }

  /** This kind's shared store, emptied. */
  public RedisStore emptyStore() {
    RedisStore s = store();
    s.await(s.commands().flushall().toCompletableFuture());
    return s;
  }

  /** This kind's shared store as it is (one connection per kind for the whole test JVM). */
  public synchronized RedisStore store() {
    return STORES.computeIfAbsent(
        this,
        k -> {
          StoreUrl url = k == REDIS ? RedisServers.standalone() : RedisServers.cluster();
          // generous timeouts: the build machine may be busy; RedisOutageTest uses the real ones
          RedisStore s =
              RedisStore.connect(
                  url, new RedisStore.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(4)));
          Runtime.getRuntime().addShutdownHook(new Thread(s::close, "test-store-close"));
          return s;
        });
  }
}
