package io.peershare.index.redis;

import io.peershare.index.Registry;
import io.peershare.index.RegistryContractTest;
import io.peershare.index.RegistryLimits;
import io.peershare.index.TestServers;

/** The registry contract against a standalone Redis. */
class RedisRegistryTest extends RegistryContractTest {
  private static RedisStore store;

  static RedisStore fresh(RedisStore s) {
    s.await(s.commands().flushall().toCompletableFuture());
    return s;
  }

  @Override
  protected Registry newRegistry(long lease, RegistryLimits limits) {
    if (store == null) {
      store = TestServers.REDIS.store();
    }
    return new RedisRegistry(fresh(store), lease, limits, 0); // exact expiry, as the contract asks
  }
}
